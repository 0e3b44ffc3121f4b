"""Topic methods measured on labelled synthetic captions (bench/topic_corpus.py), then the chosen method's speed.

Part 1 prints, per candidate (bench/topics_candidates.py, and core.analytics.topics as shipped): the adjusted Rand
index against the true themes (reels without usable words count as one more group), how often the number of
topics found equals the number of themes, and the median time, over profiles of 40-1,000 reels with 3-5 themes in
several caption mixes (English + Spanish, bilingual, hashtags only).
Part 2 times core.analytics.topics.find_topics on 1,000 and 10,000 reels next to enrich_reels and the rest of the
analytics (target: 10,000 reels in <= 1 s).

    .venv/bin/python bench/topics_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.topic_corpus import labelled_corpus  # noqa: E402
from bench.topics_candidates import CANDIDATES  # noqa: E402
from core.analytics.topic_model import find_topics  # noqa: E402
from core.analytics.topic_terms import all_reel_terms  # noqa: E402

MIXES = {
    "en+es": {"en": 0.45, "es": 0.45, "none": 0.1},
    "mixed": {"en": 0.35, "es": 0.3, "bilingual": 0.15, "hashtags": 0.15, "none": 0.05},
    "hashtag-heavy": {"en": 0.2, "es": 0.2, "hashtags": 0.55, "none": 0.05},
}
SIZES = (40, 120, 400, 1000)
THEME_COUNTS = (3, 4, 5)


def shipped(terms_and_corpus) -> np.ndarray:
    corpus = terms_and_corpus
    return find_topics(corpus.captions, corpus.hashtags).assignments


def evaluate(quick: bool) -> None:
    seeds = (1,) if quick else (1, 2)
    methods = {**{name: (lambda c, f=f: f(all_reel_terms(c.captions, c.hashtags))) for name, f in CANDIDATES.items()},
               "shipped": shipped}
    print(f"{'method':<14} {'mix':<14} {'ARI mean':>9} {'ARI min':>8} {'k right':>8} {'median ms':>10}")
    for name, method in methods.items():
        overall = []
        for mix, styles in MIXES.items():
            scores, right, times = [], 0, []
            for n in SIZES:
                for themes in THEME_COUNTS:
                    for seed in seeds:
                        corpus = labelled_corpus(n, themes, seed, styles)
                        start = time.perf_counter()
                        found = np.asarray(method(corpus))
                        times.append((time.perf_counter() - start) * 1000)
                        scores.append(adjusted_rand_score(corpus.labels, found))
                        right += len(set(found.tolist()) - {-1}) == themes
            overall += scores
            print(f"{name:<14} {mix:<14} {statistics.mean(scores):>9.3f} {min(scores):>8.3f} "
                  f"{right:>4}/{len(scores):<3} {statistics.median(times):>10.0f}")
        print(f"{name:<14} {'ALL':<14} {statistics.mean(overall):>9.3f} {min(overall):>8.3f}")


def speed() -> None:
    from bench.analytics_bench import NOW, synthetic_reels
    from core.analytics.metrics import enrich_reels

    for n in (1_000, 10_000):
        corpus = labelled_corpus(n, 5, 3)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            find_topics(corpus.captions, corpus.hashtags)
            times.append(time.perf_counter() - start)
        reels = synthetic_reels(n)
        start = time.perf_counter()
        enrich_reels(reels, 250_000, NOW)
        enrich_ms = (time.perf_counter() - start) * 1000
        print(f"topics for {n:>6} reels: best {min(times) * 1000:7.0f} ms (enrich_reels: {enrich_ms:5.0f} ms; "
              f"ratio {min(times) * 1000 / max(enrich_ms, 0.001):6.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed per profile instead of two")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if not args.speed_only:
        evaluate(args.quick)
    speed()


if __name__ == "__main__":
    main()
