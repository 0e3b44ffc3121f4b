"""Time enrich_reels and every analytics aggregation on a synthetic 10,000-reel profile.

Prints one line per figure: name, ours (ms), baseline (ms), ratio, where the baseline is pandas' bare group-by
over the same rows (median likes, comments and plays per posting weekday). Best of several runs each.
Target (issue 4): all analytics <= 50 ms.

    .venv/bin/python bench/analytics_bench.py [--reels N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.analytics import aggregates as analytics  # noqa: E402
from core.analytics.metrics import enrich_reels  # noqa: E402
from core.storage.queries import reels_frame_from_rows  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FOLLOWERS = 250_000


def synthetic_reels(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vocabulary = [f"tag{i}" for i in range(400)]
    weights = 1.0 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    people = [f"friend{i}" for i in range(60)]
    plays = rng.lognormal(9, 1.2, n).astype(int)
    posted = pd.Timestamp("2022-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 4 * 365 * 86400, n), unit="s")
    rows = []
    for i in range(n):
        rows.append({
            "media_id": str(10**15 + i), "shortcode": f"C{i:08d}", "url": f"https://www.instagram.com/reel/C{i:08d}/",
            "thumbnail_url": None, "caption": f"reel {i} #tag{i % 400}",
            "likes": None if i % 17 == 0 else int(plays[i] * rng.uniform(0.01, 0.08)),
            "comments": int(plays[i] * rng.uniform(0.0005, 0.004)),
            "plays": None if i % 23 == 0 else int(plays[i]), "views": int(plays[i] * 0.8),
            "posted_at": posted[i], "duration": float(rng.integers(5, 90)), "product_type": "clips",
            "is_pinned": i < 3, "hashtags": list(rng.choice(vocabulary, size=rng.integers(0, 6), p=weights)),
            "mentions": list(rng.choice(people, size=rng.integers(0, 2))), "position": i,
        })
    return reels_frame_from_rows(rows)


def best_ms(function, repeat: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) * 1000.0



def run_all_analytics(reels, profile: dict) -> None:
    """Everything the Results page computes for one profile: enrichment and every aggregation."""
    frame = enrich_reels(reels, profile.get("followers"), NOW)
    analytics.profile_summary(frame, profile)
    analytics.hashtag_stats(frame, "hashtags")
    analytics.hashtag_stats(frame, "mentions")
    analytics.tag_pairs(frame, "hashtags")
    for metric in analytics.TOP_PERFORMER_METRICS:
        analytics.top_performers(frame, metric)
    analytics.trend_frame(frame)
    analytics.cadence_frame(frame)
    analytics.posting_heatmap(frame, "Asia/Tokyo")
    analytics.compare_profiles([(profile, frame)])

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reels", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    reels = synthetic_reels(args.reels)
    enriched = enrich_reels(reels, FOLLOWERS, NOW)
    profile = {"username": "bench", "followers": FOLLOWERS}

    def baseline() -> None:
        reels.groupby(reels["posted_at"].dt.day_of_week)[["likes", "comments", "plays"]].median()

    def all_analytics() -> None:
        run_all_analytics(reels, profile)

    figures = {
        "enrich_reels": lambda: enrich_reels(reels, FOLLOWERS, NOW),
        "profile_summary": lambda: analytics.profile_summary(enriched, profile),
        "hashtag_stats": lambda: analytics.hashtag_stats(enriched, "hashtags"),
        "mention_stats": lambda: analytics.hashtag_stats(enriched, "mentions"),
        "tag_pairs": lambda: analytics.tag_pairs(enriched, "hashtags"),
        "top_performers x5": lambda: [analytics.top_performers(enriched, m) for m in analytics.TOP_PERFORMER_METRICS],
        "trend_frame": lambda: analytics.trend_frame(enriched),
        "cadence_frame": lambda: analytics.cadence_frame(enriched),
        "posting_heatmap": lambda: analytics.posting_heatmap(enriched, "Asia/Tokyo"),
        "compare_profiles": lambda: analytics.compare_profiles([(profile, enriched)]),
        "ALL (enrich + every aggregation)": all_analytics,
    }
    base = best_ms(baseline, args.repeat)
    print(f"{args.reels:,} reels, best of {args.repeat}; baseline = bare pandas groupby median")
    print(f"{'name':<34} {'ours ms':>9} {'baseline ms':>12} {'ratio':>7}")
    for name, function in figures.items():
        ours = best_ms(function, args.repeat)
        print(f"{name:<34} {ours:>9.2f} {base:>12.2f} {ours / base:>7.1f}")


if __name__ == "__main__":
    main()
