"""Export benchmark: CSV of 100,000 reels against a bare ``csv.writer`` over the same rows, and peak RSS
of exporting an analysis with 1,000,000 reels stored.

    .venv/bin/python bench/export_bench.py                 # 100k timing + 1M RSS
    .venv/bin/python bench/export_bench.py --reels 100000 --skip-million

Each measurement runs in its own process, so its peak RSS (ru_maxrss) is its own and not the populating
step's. Targets (issue 5): 100,000 reels in <= 1 s; RSS <= 500 MB with 1,000,000 reels stored.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANALYSIS_ID = "bench-analysis"
_WORDS = ("new", "reel", "today", "morning", "routine", "tips", "recipe", "travel", "sunset", "coffee", "city")
_TAGS = ("travel", "food", "reels", "daily", "explore", "coffee", "viral", "fyp")


def populate(database: Path, reels: int) -> None:
    """One completed analysis with ``reels`` synthetic reels, inserted with executemany in chunks."""
    from core.storage.engine import Database

    Database(f"sqlite:///{database}").dispose()  # schema via the models, then raw inserts for speed
    rng = random.Random(5)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    conn = sqlite3.connect(database)
    stamp = "2026-05-01 12:00:00.000000"
    conn.execute("INSERT INTO analyses (id, username, status, progress, reels_fetched, cancel_requested, is_demo, "
                 "created_at, updated_at, finished_at) VALUES (?, 'bench_creator', 'completed', 100, ?, 0, 0, ?, ?, ?)",
                 (ANALYSIS_ID, reels, stamp, stamp, stamp))
    conn.execute("INSERT INTO profile_snapshots (analysis_id, instagram_user_id, username, followers, following, "
                 "media_count, is_private, fetched_at) VALUES (?, '123456789', 'bench_creator', 250000, 300, ?, 0, ?)",
                 (ANALYSIS_ID, reels, stamp))
    sql = ("INSERT INTO reels (analysis_id, position, media_id, shortcode, url, thumbnail_url, caption, likes, "
           "comments, plays, views, posted_at, duration, product_type, is_pinned, is_video, hashtags, mentions) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")
    chunk = []
    for position in range(reels):
        media_id = str(3_000_000_000_000_000_000 + position)
        code = f"C{position:010d}"
        tags = rng.sample(_TAGS, 3)
        caption = " ".join(rng.choice(_WORDS) for _ in range(12)) + " " + " ".join("#" + t for t in tags)
        if position % 50 == 0:
            caption = "=1+1 " + caption  # formula-like starts are part of the work
        plays = int(rng.lognormvariate(9, 1.2))
        likes = None if position % 20 == 0 else plays // 25
        posted = (start + timedelta(minutes=position * 7)).strftime("%Y-%m-%d %H:%M:%S.000000")
        chunk.append((ANALYSIS_ID, position, media_id, code, f"https://www.instagram.com/reel/{code}/",
                      f"https://scontent.cdninstagram.com/v/t51.2885-15/{media_id}_n.jpg?stp=dst-jpg_e35_p640x640"
                      f"&_nc_ht=scontent.cdninstagram.com&oh=00_{position:020d}&oe=68000000",
                      caption, likes, plays // 300, plays, None, posted, round(rng.uniform(5, 90), 3), "clips",
                      0, json.dumps(tags), "[]"))
        if len(chunk) == 50_000:
            conn.executemany(sql, chunk)
            chunk.clear()
    if chunk:
        conn.executemany(sql, chunk)
    conn.commit()
    conn.close()


class _Sink:
    """A write-only text/binary sink that counts bytes (no disk or memory cost)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


def measure_baseline(database: Path) -> dict:
    """The floor: the same raw rows read with sqlite3 and written by a bare csv.writer."""
    started = time.perf_counter()
    conn = sqlite3.connect(database)
    sink = _Sink()
    writer = csv.writer(sink)
    cursor = conn.execute("SELECT media_id, shortcode, url, thumbnail_url, caption, likes, comments, plays, views, "
                          "duration, posted_at, product_type, is_pinned, hashtags, mentions, position FROM reels "
                          "WHERE analysis_id = ? ORDER BY position", (ANALYSIS_ID,))
    while rows := cursor.fetchmany(5000):
        writer.writerows(rows)
    conn.close()
    return {"seconds": time.perf_counter() - started, "bytes": sink.size}


def measure_export(database: Path, fields: str | None) -> dict:
    from core.exports.documents import ExportOptions, open_export, parse_fields
    from core.storage.engine import Database

    db = Database(f"sqlite:///{database}")
    started = time.perf_counter()
    stream = open_export(db, ANALYSIS_ID, ExportOptions(format="csv", fields=parse_fields(fields)))
    size = sum(len(chunk) for chunk in stream)
    return {"seconds": time.perf_counter() - started, "bytes": size, "rows": stream.rows}


def _child(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reels", type=int, default=100_000)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--child", choices=["populate", "baseline", "export", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--fields", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "populate":
            populate(Path(args.db), args.reels)
            result: dict = {}
        elif args.child == "baseline":
            result = measure_baseline(Path(args.db))
        elif args.child == "import":  # the interpreter + pandas/sqlalchemy import floor, for reading RSS
            import core.analytics.metrics  # noqa: F401
            import core.exports.documents  # noqa: F401
            result = {}
        else:
            result = measure_export(Path(args.db), args.fields)
        result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "bench_small.db"
        _child(["--child", "populate", "--db", str(small), "--reels", str(args.reels)])
        base = _child(["--child", "baseline", "--db", str(small)])
        full = _child(["--child", "export", "--db", str(small)])
        raw = _child(["--child", "export", "--db", str(small), "--fields",
                      "media_id,shortcode,url,thumbnail_url,caption,likes,comments,plays,views,duration,posted_at,"
                      "product_type,is_pinned,hashtags,mentions,position"])
        floor = _child(["--child", "import"])
        print(f"{args.reels:,} reels, CSV")
        print(f"  bare csv.writer over the same rows : {base['seconds']:.3f} s, {base['bytes'] / 1e6:.1f} MB, "
              f"peak RSS {base['peak_rss_mb']:.0f} MB")
        print(f"  export, raw fields only           : {raw['seconds']:.3f} s, {raw['bytes'] / 1e6:.1f} MB, "
              f"ratio {raw['seconds'] / base['seconds']:.1f}x, peak RSS {raw['peak_rss_mb']:.0f} MB")
        print(f"  export, all fields (metrics+tiers): {full['seconds']:.3f} s, {full['bytes'] / 1e6:.1f} MB, "
              f"ratio {full['seconds'] / base['seconds']:.1f}x, peak RSS {full['peak_rss_mb']:.0f} MB")
        print(f"  (interpreter + imports alone: peak RSS {floor['peak_rss_mb']:.0f} MB)")
        if args.skip_million:
            return
        big = Path(folder) / "bench_million.db"
        started = time.perf_counter()
        _child(["--child", "populate", "--db", str(big), "--reels", str(args.million)])
        print(f"{args.million:,} reels stored in {time.perf_counter() - started:.1f} s "
              f"({big.stat().st_size / 1e6:.0f} MB database)")
        million = _child(["--child", "export", "--db", str(big)])
        print(f"  export, all fields: {million['seconds']:.2f} s, {million['bytes'] / 1e6:.0f} MB written, "
              f"{million['rows']:,} rows, peak RSS {million['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
