"""The cost of metrics: scraping ``/metrics`` with 100,000 analyses stored, and the share of an analysis's wall time
the instrumentation takes (core.observability)."""

from __future__ import annotations

import os
import random
import tempfile
import timeit
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.common import Emulator, Figure, median, timed

SCRAPE_LIMIT_SECONDS = 0.100
INSTRUMENTATION_LIMIT = 0.02
KINDS = ["not_found", "private", "rate_limited", "network", "cancelled", "login_required"]
SOURCES = ["instagram", "emulator", "other"]


def fill_store(db, n: int) -> None:
    """``n`` finished and active analyses, spread over statuses, error kinds and data sources."""
    from core.storage.models import Analysis, utcnow

    rng = random.Random(25)
    now = utcnow()
    rows = []
    for i in range(n):
        roll = rng.random()
        status = "completed" if roll < 0.7 else "failed" if roll < 0.95 else rng.choice(["pending", "processing"])
        finished = now - timedelta(minutes=rng.randrange(60 * 48))
        rows.append({"id": f"{i:036d}", "username": f"user{i % 5000}", "status": status, "progress": 100,
                     "error_kind": rng.choice(KINDS) if status == "failed" else None,
                     "data_source": rng.choice(SOURCES), "created_at": finished, "updated_at": finished,
                     "started_at": finished - timedelta(seconds=rng.randrange(5, 600)),
                     "finished_at": finished if status in ("completed", "failed") else None,
                     "reels_fetched": 0, "cancel_requested": False, "is_demo": False})
    with db.transaction() as session:
        for start in range(0, n, 10_000):
            session.execute(insert(Analysis), rows[start:start + 10_000])


def scrape_figure(n: int, repeat: int) -> Figure:
    """GET /metrics of the API (TestClient, the whole ASGI stack) with ``n`` analyses stored; baseline: the same
    scrape of an empty store."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import load_api_settings
    from core.storage.engine import get_database

    with tempfile.TemporaryDirectory() as folder:
        empty_url, full_url = (f"sqlite:///{Path(folder) / name}" for name in ("empty.db", "full.db"))
        fill_store(get_database(full_url), n)
        get_database(empty_url)
        client = TestClient(create_app(load_api_settings()))

        def scrape(url: str) -> float:
            os.environ["DATABASE_URL"] = url
            seconds = timed(lambda: client.get("/metrics").raise_for_status())
            return seconds

        scrape(full_url), scrape(empty_url)  # warm-up
        ours = [scrape(full_url) for _ in range(repeat)]
        baseline = [scrape(empty_url) for _ in range(repeat)]
    value = median(ours)
    return Figure(f"/metrics scrape, {n:,} analyses stored", value, median(baseline), "s",
                  f"≤ {SCRAPE_LIMIT_SECONDS * 1000:.0f} ms", value <= SCRAPE_LIMIT_SECONDS,
                  note="baseline: the same scrape of an empty store", samples=ours)


URLS = [("https://www.instagram.com/api/v1/users/web_profile_info/?username=demo_creator", None),
        ("https://www.instagram.com/graphql/query", b"variables=%7B%7D&doc_id=27128499623469141"),
        ("https://scontent.cdninstagram.com/v/t51/abc.jpg", None),
        ("https://www.instagram.com/demo_creator/", None)]


def per_request_seconds(loops: int = 20_000) -> float:
    """What the transport adds to one request: classify its URL and count it."""
    from core.observability.instagram_requests import classify_request, outcome_of, record_instagram_request

    def one_round() -> None:
        for url, body in URLS:
            capability, route = classify_request(url, body)
            record_instagram_request(capability, route, outcome_of(200))

    rounds = loops // len(URLS)
    return min(timeit.repeat(one_round, number=rounds, repeat=3)) / (rounds * len(URLS))


def instrumentation_figure(profile: str, repeat: int) -> Figure:
    """Instrumentation's share of an analysis: requests × the per-request cost + the per-analysis observation,
    over the analysis's wall time (real instaloader against the emulator in its own process, no latency: the
    worst case, real Instagram answers far slower)."""
    from core.jobs.owners import process_owner
    from core.jobs.pipeline import _observe, run_analysis
    from core.observability.instagram_requests import INSTAGRAM_REQUESTS
    from core.storage.analyses import insert_analyses
    from core.storage.engine import get_database

    def total_requests() -> float:
        return sum(s.value for m in INSTAGRAM_REQUESTS.collect() for s in m.samples if s.name.endswith("_total"))

    with tempfile.TemporaryDirectory() as folder, Emulator(latency_ms=0) as emulator:
        os.environ.update(DATABASE_URL=f"sqlite:///{Path(folder) / 'bench.db'}", INSTAGRAM_BASE_URL=emulator.url,
                          REELSCOPE_RATE_LIMIT_SCALE="0", REELSCOPE_MAX_ATTEMPTS="1")
        db = get_database()
        walls, requests = [], []
        for _ in range(repeat + 1):
            [analysis_id] = insert_analyses(db, [profile], None, process_owner())
            before = total_requests()
            walls.append(timed(lambda analysis_id=analysis_id: run_analysis(analysis_id, db)))
            requests.append(total_requests() - before)
        walls, requests = walls[1:], requests[1:]  # the first run warms the client up
        per_analysis = min(timeit.repeat(lambda: _observe(db, analysis_id, "completed", 0.0), number=50, repeat=3)) / 50
    per_request = per_request_seconds()
    wall = median(walls)
    added = median(requests) * per_request + per_analysis
    share = added / wall
    return Figure(f"instrumentation share of an analysis ({profile})", share * 100, None, "%",
                  f"≤ {INSTRUMENTATION_LIMIT:.0%} of wall time", share <= INSTRUMENTATION_LIMIT,
                  note=f"{median(requests):.0f} requests × {per_request * 1e6:.1f} µs + {per_analysis * 1e3:.2f} ms "
                       f"per analysis, over {wall:.2f} s")


def main() -> None:
    """``python -m bench.metrics_bench``: its figures as one JSON line (bench/__main__.py runs it in a child)."""
    import argparse
    import json
    import logging

    parser = argparse.ArgumentParser()
    parser.add_argument("--analyses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", default="demo_creator")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    figures = [scrape_figure(args.analyses, args.repeat), instrumentation_figure(args.profile, args.repeat)]
    print(json.dumps([f.to_dict() for f in figures]))


if __name__ == "__main__":
    main()
