"""Figures that need no emulator: storing 10,000 reels and all analytics of one 10,000-reel profile."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import UTC
from pathlib import Path

from bench.common import Figure, interleaved, median, timed


def synthetic_fetched_reels(n: int):
    """``n`` FetchedReel objects shaped like the scraper's output (what ``complete_with_reels`` receives)."""
    from bench.analytics_bench import synthetic_reels
    from core.domain.fetched import FetchedReel

    frame = synthetic_reels(n)
    reels = []
    for row in frame.to_dict("records"):
        def count(value):
            return None if value is None or value != value else int(value)  # NA → None
        reels.append(FetchedReel(
            media_id=row["media_id"], shortcode=row["shortcode"], url=row["url"], thumbnail_url=row["thumbnail_url"],
            caption=row["caption"], likes=count(row["likes"]), comments=count(row["comments"]),
            plays=count(row["plays"]), views=count(row["views"]), posted_at=row["posted_at"].to_pydatetime(),
            duration=float(row["duration"]), product_type=row["product_type"], is_pinned=bool(row["is_pinned"]),
            hashtags=tuple(row["hashtags"]), mentions=tuple(row["mentions"])))
    return reels


INSERT_SQL = ("INSERT INTO reels (analysis_id, position, media_id, shortcode, url, thumbnail_url, caption, likes, "
              "comments, plays, views, posted_at, duration, product_type, is_pinned, is_video, hashtags, mentions) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")


def store_figure(n: int, repeat: int) -> Figure:
    """``store.complete_with_reels`` of n reels vs raw sqlite3 executemany of the same rows (conversion included)."""
    from core.storage import analyses as store
    from core.storage.engine import Database

    reels = synthetic_fetched_reels(n)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.db"
        db = Database(f"sqlite:///{path}")
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA foreign_keys=ON")

        def ours() -> float:
            [analysis_id] = store.insert_analyses(db, ["bench_store"], None, None)
            return timed(lambda: store.complete_with_reels(db, analysis_id, reels))

        def baseline() -> float:
            [analysis_id] = store.insert_analyses(db, ["bench_raw"], None, None)

            def write() -> None:
                rows = [(analysis_id, position, r.media_id, r.shortcode, r.url, r.thumbnail_url, r.caption, r.likes,
                         r.comments, r.plays, r.views, r.posted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                         r.duration, r.product_type, r.is_pinned, json.dumps(list(r.hashtags)),
                         json.dumps(list(r.mentions))) for position, r in enumerate(reels)]
                with raw:
                    raw.executemany(INSERT_SQL, rows)
            return timed(write)

        ours(), baseline()  # warm-up
        a, b = interleaved(ours, baseline, repeat)
        raw.close()
        db.dispose()
    return Figure(f"store {n:,} reels", median(a), median(b), "s", "≤ 2×", median(a) / median(b) <= 2,
                  "complete_with_reels vs sqlite3.executemany", a)


def analytics_figure(n: int, repeat: int) -> Figure:
    """Every aggregation the Results page computes for one profile, vs a bare pandas group-by of the same rows."""
    from bench.analytics_bench import FOLLOWERS, run_all_analytics, synthetic_reels

    reels = synthetic_reels(n)
    profile = {"username": "bench", "followers": FOLLOWERS}

    def all_analytics() -> None:
        run_all_analytics(reels, profile)

    def baseline() -> None:
        reels.groupby(reels["posted_at"].dt.day_of_week)[["likes", "comments", "plays"]].median()

    all_analytics(), baseline()
    a, b = interleaved(lambda: timed(all_analytics), lambda: timed(baseline), repeat)
    ours_ms, base_ms = median(a) * 1000, median(b) * 1000
    return Figure(f"all analytics, one profile of {n:,} reels", ours_ms, base_ms, "ms", "≤ 50 ms absolute",
                  ours_ms <= 50, "ratio vs bare pandas group-by printed, not judged", [x * 1000 for x in a])


