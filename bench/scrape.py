"""Scraping figures, run in their own process: ``python -m bench.scrape [--repeat N] [--concurrent-reels K]``.

* one analysis of the emulator's largest profile (``big_creator``) at 20 ms emulator latency, against
  (a) the request floor, requests made × latency, and (b) a bare instaloader script that iterates the
  same profile's videos with the same rate controller and stores nothing;
* 8 concurrent analyses (one shared instaloader and rate budget, ``REELSCOPE_RATE_LIMIT_SCALE`` small
  so that the budget binds) against the serialized request floor under that budget: the same sequence
  of requests replayed through instaloader's own RateController on a virtual clock;
* HTTP requests per analysis against the minimum instaloader needs for the same data, and whether
  any request was made twice (every request's method, URL and body are recorded on our side).

The emulator runs in a separate process, so its CPU work does not compete for this process's GIL.
The last stdout line is a JSON list of figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Emulator, Figure, median  # noqa: E402

PROFILE = "big_creator"
LATENCY_MS = 20
BUDGET_SCALE = 0.0001  # instaloader's 11-minute windows are real; each throttled request then waits ~66 ms

_sent: list[tuple[str, str, str]] = []
_sent_lock = threading.Lock()


def _record_requests() -> None:
    """Record every HTTP request this process sends (method, URL, body digest) to find repeated requests."""
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send

    def send(self, request, **kwargs):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        with _sent_lock:
            _sent.append((request.method, request.url, hashlib.sha1(body).hexdigest()))
        return original(self, request, **kwargs)

    HTTPAdapter.send = send


def _record_query_types() -> list[str]:
    """Wrap instaloader's RateController so the bench sees the query type of every request, in order."""
    from instaloader.instaloadercontext import RateController

    types: list[str] = []
    original = RateController.wait_before_query

    def wait_before_query(self, query_type):
        types.append(query_type)
        return original(self, query_type)

    RateController.wait_before_query = wait_before_query
    return types


def simulated_floor(query_types: list[str], latency: float, scale: float) -> float:
    """Seconds to make these requests one after another: latency each, plus every wait instaloader's
    RateController imposes (scaled exactly as ``WaitReportingRateController`` scales it), on a virtual clock."""
    from instaloader.instaloadercontext import RateController

    controller = RateController.__new__(RateController)
    controller._query_timestamps = {}
    controller._earliest_next_request_time = 0.0
    controller._iphone_earliest_next_request_time = 0.0
    now = 1_000_000.0
    start = now
    for query_type in query_types:
        wait = controller.query_waittime(query_type, now, False)
        now += max(0.0, wait * scale)
        controller._query_timestamps.setdefault(query_type, []).append(now)
        now += latency
    return now - start


def minimum_requests(username: str) -> dict:
    """What instaloader needs at least for a profile's videos: the profile (web_profile_info), the reels
    tab pages (12 a page), and one detail request per reel."""
    from emulator.catalogue import default_catalogue

    profile = default_catalogue()[username]
    videos = [m for m in profile.media if getattr(m, "is_video", False)]
    pages = max(1, math.ceil(len(videos) / 12))
    return {"videos": len(videos), "profile": 1, "pages": pages, "details": len(videos),
            "total": 1 + pages + len(videos)}


class Bare:
    """The bare instaloader script a user could write instead: same library, same rate controller, no storage."""

    def __init__(self, scale: float) -> None:
        import instaloader

        from core.scraper import WaitReportingRateController

        self.loader = instaloader.Instaloader(
            sleep=False, quiet=True, download_pictures=False, download_videos=False,
            download_video_thumbnails=False, download_geotags=False, download_comments=False,
            save_metadata=False, compress_json=False, max_connection_attempts=1,
            rate_controller=lambda ctx: WaitReportingRateController(ctx, scale, lambda seconds: None))

    def run(self, username: str) -> int:
        from instaloader import Profile

        profile = Profile.from_username(self.loader.context, username)
        rows = []
        for post in profile.get_reels():
            if post.is_video:
                rows.append((post.mediaid, post.shortcode, post.caption, post.likes, post.comments,
                             post.video_play_count, post.video_view_count, post.date_utc, post.video_duration,
                             post.url, tuple(post.caption_hashtags), tuple(post.caption_mentions)))
        return len(rows)


def _reset_client() -> None:
    import core.scraper

    core.scraper._client = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrent-reels", type=int, default=40, help="reel cap of each of the 8 analyses")
    parser.add_argument("--concurrent-repeat", type=int, default=1)
    parser.add_argument("--skip-concurrent", action="store_true")
    parser.add_argument("--profile", default=PROFILE, help="emulator profile to analyse (default: the largest)")
    args = parser.parse_args()
    profile_name = args.profile

    figures: list[Figure] = []
    latency = LATENCY_MS / 1000
    with Emulator(LATENCY_MS) as emulator, tempfile.TemporaryDirectory() as folder:
        os.environ.update(DATABASE_URL=f"sqlite:///{folder}/bench.db", INSTAGRAM_BASE_URL=emulator.url,
                          REELSCOPE_RATE_LIMIT_SCALE="0", REELSCOPE_WORKERS="8")
        os.environ.pop("REELSCOPE_DEMO", None)
        _record_requests()
        query_types = _record_query_types()

        from core import jobs
        from core.db import get_database
        from core.instagram_transport import redirect_instagram_to
        from core.scraper import get_client

        db = get_database()
        redirect_instagram_to(emulator.url)  # the same transport to the emulator for the bare script
        bare = Bare(0.0)

        def ours() -> tuple[float, int, list]:
            analysis_id = jobs.create_analyses([profile_name], db=db, start=False)[0]
            emulator.reset_requests()
            del _sent[:]
            started = time.perf_counter()
            status = jobs.run_analysis(analysis_id, db)
            elapsed = time.perf_counter() - started
            assert status == "completed", jobs.store.get_state(db, analysis_id)
            return elapsed, len(emulator.requests()), list(_sent)

        def baseline() -> tuple[float, int, list]:
            emulator.reset_requests()
            del _sent[:]
            started = time.perf_counter()
            bare.run(profile_name)
            elapsed = time.perf_counter() - started
            return elapsed, len(emulator.requests()), list(_sent)

        get_client()
        for warm in (ours, baseline):  # warm-up on a small profile: sessions, imports, connection pools
            saved, profile_name = profile_name, "few_posts"
            warm()
            profile_name = saved
        ours_runs, bare_runs = [], []
        for i in range(args.repeat):
            pair = (ours, baseline) if i % 2 == 0 else (baseline, ours)
            for function in pair:
                (ours_runs if function is ours else bare_runs).append(function())

        ours_s = median([r[0] for r in ours_runs])
        bare_s = median([r[0] for r in bare_runs])
        ours_requests = ours_runs[-1][1]
        bare_requests = bare_runs[-1][1]
        repeated = [k for k, n in Counter(ours_runs[-1][2]).items() if n > 1]
        minimum = minimum_requests(profile_name)
        floor = ours_requests * latency
        figures.append(Figure(f"analyse {profile_name} @{LATENCY_MS}ms vs request floor", ours_s, floor, "s",
                              "≤ 1.05×", ours_s / floor <= 1.05, f"{ours_requests} requests × {LATENCY_MS} ms",
                              [r[0] for r in ours_runs]))
        figures.append(Figure(f"analyse {profile_name} vs bare instaloader", ours_s, bare_s, "s", "≤ 1.0×",
                              ours_s / bare_s <= 1.0, f"bare: {bare_requests} requests, "
                              f"{bare_s / (bare_requests * latency):.3f}× its own floor",
                              [r[0] for r in ours_runs]))
        figures.append(Figure("HTTP requests per analysis vs minimum", ours_requests, minimum["total"], "req",
                              "≤ 1.01×, none repeated", not repeated and ours_requests <= minimum["total"] * 1.01,
                              f"min = 1 profile + {minimum['pages']} pages + {minimum['details']} details; "
                              f"bare instaloader {bare_requests}; repeated {len(repeated)}"))

        if not args.skip_concurrent:
            os.environ["REELSCOPE_RATE_LIMIT_SCALE"] = str(BUDGET_SCALE)
            samples, floors, counts = [], [], []
            for _ in range(args.concurrent_repeat):
                _reset_client()  # a fresh shared budget for each repetition
                get_client()
                del query_types[:]
                emulator.reset_requests()
                started = time.perf_counter()
                ids = [jobs.create_analyses([profile_name], args.concurrent_reels, db=db, start=False)[0]
                       for _ in range(8)]  # one call each: a submission would deduplicate the name
                runner = jobs.JobRunner(workers=8)
                for analysis_id in ids:
                    runner.submit(analysis_id, db)
                runner.shutdown(wait=True)
                samples.append(time.perf_counter() - started)
                states = [jobs.store.get_state(db, i) for i in ids]
                assert all(s.status == "completed" for s in states), [(s.status, s.error) for s in states]
                counts.append(len(emulator.requests()))
                floors.append(simulated_floor(list(query_types), latency, BUDGET_SCALE))
            ours_c, floor_c = median(samples), median(floors)
            figures.append(Figure(f"8 concurrent analyses ({args.concurrent_reels} reels each)", ours_c, floor_c,
                                  "s", "≤ 1.2×", ours_c / floor_c <= 1.2,
                                  f"{counts[-1]} requests, budget scale {BUDGET_SCALE}; floor = serialized "
                                  f"requests × latency + the budget's waits", samples))
    print(json.dumps([f.to_dict() for f in figures]))


if __name__ == "__main__":
    main()
