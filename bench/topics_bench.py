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

from bench.common import Figure, interleaved, median, timed  # noqa: E402
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
    """Topic modelling on labelled captions, next to run_all_analytics (enrich + every aggregation) and the
    per-topic tables on the same number of reels; best of 3 (topics) and 5 (analytics)."""
    import pandas as pd

    from bench.analytics_bench import NOW, best_ms, run_all_analytics, synthetic_reels
    from core.analytics.metrics import enrich_reels
    from core.analytics.topics import topic_mix_by_month, topic_performance

    find_topics(["warm up import"] * 3, [[]] * 3)
    print(f"{'reels':>7} {'topics ms':>10} {'all analytics ms':>17} {'ratio':>6} {'per-topic tables ms':>20}  target")
    for n in (1_000, 10_000):
        corpus = labelled_corpus(n, 5, 3)
        topics_ms = best_ms(lambda corpus=corpus: find_topics(corpus.captions, corpus.hashtags), 3)
        reels = synthetic_reels(n)
        reels["caption"], reels["hashtags"] = corpus.captions, corpus.hashtags
        analytics_ms = best_ms(lambda reels=reels: run_all_analytics(reels, {"followers": 250_000}), 5)
        enriched = enrich_reels(reels, 250_000, NOW)
        enriched["topic"] = pd.Series(find_topics(corpus.captions, corpus.hashtags).labels(), dtype=object)
        tables_ms = best_ms(lambda e=enriched: (topic_performance(e), topic_mix_by_month(e)), 5)
        verdict = ("PASS" if topics_ms <= 1000 else "MISS") if n == 10_000 else "INFO"
        print(f"{n:>7,} {topics_ms:>10.0f} {analytics_ms:>17.0f} {topics_ms / analytics_ms:>6.1f} "
              f"{tables_ms:>20.0f}  {'<= 1,000 ms ' + verdict if n == 10_000 else verdict}")


def topics_figure(n: int, repeat: int) -> Figure:
    """The suite's figure (python -m bench, group "local"): topics of n labelled reels vs all analytics of as many."""
    from bench.analytics_bench import run_all_analytics, synthetic_reels

    corpus = labelled_corpus(n, 5, 3)
    reels = synthetic_reels(n)

    def topics() -> None:
        find_topics(corpus.captions, corpus.hashtags)

    def analytics() -> None:
        run_all_analytics(reels, {"followers": 250_000})

    topics(), analytics()
    a, b = interleaved(lambda: timed(topics), lambda: timed(analytics), repeat)
    ours_ms, base_ms = median(a) * 1000, median(b) * 1000
    return Figure(f"topics, one profile of {n:,} reels", ours_ms, base_ms, "ms", "≤ 1,000 ms absolute",
                  ours_ms <= 1000, "baseline: all analytics of as many reels; ratio printed, not judged",
                  [x * 1000 for x in a])


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
