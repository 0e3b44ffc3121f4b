"""Scraping figures, run in their own process: ``python -m bench.scrape [--repeat N] [--concurrent-reels K]``.

The emulator answers as live Instagram does: logged-in sessions (here its built-in demo session) get
complete listings with plays, anonymous visitors get a null reels tab and a code-only posts timeline.

* one logged-in analysis of the emulator's largest profile (``big_creator``) at 20 ms emulator latency,
  against (a) the request floor, requests made × latency, and (b) a bare instaloader script (logged in
  too) that iterates the same profile's reels with the same rate controller and stores nothing;
* HTTP requests per analysis: logged in against ⌈N/12⌉ + 4 for N videos (the reels-tab pages plus the
  profile page, start page, profile and login checks), anonymous against P + ⌈P/12⌉ + 4 for P posts
  (anonymous timeline nodes carry only a code, so every post costs a detail request);
* wall time of both ways of access at 20 ms and 150 ms emulator latency against requests × latency;
* 8 concurrent analyses (one shared instaloader and rate budget, ``REELSCOPE_RATE_LIMIT_SCALE`` small
  so that the budget binds) against the serialized request floor under that budget: the same sequence
  of requests replayed through instaloader's own RateController on a virtual clock;
* whether any request was made twice (every request's method, URL and body are recorded on our side).

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

BASELINE_ERA = "2026-09"

PROFILE = "big_creator"
ANONYMOUS_PROFILE = "demo_creator"
LATENCY_MS = 20
SLOW_LATENCY_MS = 150
DEMO_SESSION = {"sessionid": "reelscope-demo-session", "ds_user_id": "7000000001"}
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


def logged_in_floor(username: str) -> tuple[int, int]:
    """(N videos, ⌈N/12⌉ + 4): the requests a logged-in analysis needs at least."""
    from emulator.catalogue import default_catalogue

    videos = len(default_catalogue()[username].videos)
    return videos, math.ceil(videos / 12) + 4


def anonymous_floor(username: str) -> tuple[int, int]:
    """(P posts, P + ⌈P/12⌉ + 4): anonymously every post of the timeline costs a detail request."""
    from emulator.catalogue import default_catalogue

    posts = default_catalogue()[username].media_count
    return posts, posts + math.ceil(posts / 12) + 4


class Bare:
    """The bare instaloader script a user could write instead: same library, same rate controller, no storage."""

    def __init__(self, scale: float) -> None:
        import instaloader

        from core.instagram.scraper import WaitReportingRateController

        self.loader = instaloader.Instaloader(
            sleep=False, quiet=True, download_pictures=False, download_videos=False,
            download_video_thumbnails=False, download_geotags=False, download_comments=False,
            save_metadata=False, compress_json=False, max_connection_attempts=1,
            rate_controller=lambda ctx: WaitReportingRateController(ctx, scale, lambda seconds: None))
        # logged in, as live Instagram answers the reels tab only to logged-in sessions
        self.loader.context.update_cookies(DEMO_SESSION)
        self.loader.context.username = "demo_viewer"

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


class BareListing(Bare):
    """The requests a logged-in analysis sends, sent by a bare script: the profile page, then the reels-tab
    pages through instaloader's NodeIterator, reading nothing and storing nothing."""

    def run(self, username: str) -> int:
        from instaloader import NodeIterator, Profile

        context = self.loader.context
        profile = Profile.from_username(context, username)
        nodes = NodeIterator(context, None, lambda d: d["data"]["xdt_api__v1__clips__user__connection_v2"],
                             lambda node: node, query_variables={"data": {
                                 "page_size": 12, "include_feed_video": True, "target_user_id": str(profile.userid)}},
                             doc_id="7845543455542541")
        return sum(1 for _ in nodes)


def _reset_client() -> None:
    from core.instagram.scraper import reset_client

    reset_client()


def _set_access(session_file: Path, logged_in: bool) -> None:
    """Log the product in with the emulator's demo session, or leave it anonymous."""
    if logged_in:
        session_file.write_text(json.dumps(DEMO_SESSION))
    else:
        session_file.unlink(missing_ok=True)
    _reset_client()


def _timed_analysis(db, username: str) -> tuple[float, int]:
    from core.jobs import pipeline, submission
    from core.storage import analyses as store

    analysis_id = submission.create_analyses([username], db=db, start=False)[0]
    started = time.perf_counter()
    status = pipeline.run_analysis(analysis_id, db)
    elapsed = time.perf_counter() - started
    assert status == "completed", store.get_state(db, analysis_id)
    return elapsed, analysis_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrent-reels", type=int, default=40, help="reel cap of each of the 8 analyses")
    parser.add_argument("--concurrent-repeat", type=int, default=1)
    parser.add_argument("--skip-concurrent", action="store_true")
    parser.add_argument("--profile", default=PROFILE, help="emulator profile to analyse (default: the largest)")
    parser.add_argument("--anonymous-profile", default=ANONYMOUS_PROFILE,
                        help="emulator profile analysed anonymously (every post costs a request)")
    args = parser.parse_args()
    profile_name = args.profile

    figures: list[Figure] = []
    latency = LATENCY_MS / 1000
    # The era before late October 2026: its baseline, bare instaloader 4.16 signed in, is refused by the 2026-11 era
    # (graphql/query). Requests per analysis in both eras: python -m bench.instagram_routes.
    with Emulator(LATENCY_MS, era=BASELINE_ERA) as emulator, tempfile.TemporaryDirectory() as folder:
        session_file = Path(folder) / "instagram-session.json"
        os.environ.update(DATABASE_URL=f"sqlite:///{folder}/bench.db", INSTAGRAM_BASE_URL=emulator.url,
                          REELSCOPE_RATE_LIMIT_SCALE="0", REELSCOPE_WORKERS="8",
                          REELSCOPE_SESSION_FILE=str(session_file))
        os.environ.pop("REELSCOPE_DEMO", None)
        session_file.write_text(json.dumps(DEMO_SESSION))
        _record_requests()
        query_types = _record_query_types()

        from core.instagram.scraper import get_client
        from core.instagram.transport import redirect_instagram_to
        from core.jobs import pipeline, submission, threads
        from core.storage import analyses as store
        from core.storage.engine import get_database

        db = get_database()
        redirect_instagram_to(emulator.url)  # the same transport to the emulator for the bare script
        bare = Bare(0.0)
        bare_listing = BareListing(0.0)

        def ours() -> tuple[float, int, list]:
            analysis_id = submission.create_analyses([profile_name], db=db, start=False)[0]
            emulator.reset_requests()
            del _sent[:]
            started = time.perf_counter()
            status = pipeline.run_analysis(analysis_id, db)
            elapsed = time.perf_counter() - started
            assert status == "completed", store.get_state(db, analysis_id)
            return elapsed, len(emulator.requests()), list(_sent)

        def baseline() -> tuple[float, int, list]:
            emulator.reset_requests()
            del _sent[:]
            started = time.perf_counter()
            bare.run(profile_name)
            elapsed = time.perf_counter() - started
            return elapsed, len(emulator.requests()), list(_sent)

        def same_requests() -> tuple[float, int, list]:
            emulator.reset_requests()
            started = time.perf_counter()
            bare_listing.run(profile_name)
            return time.perf_counter() - started, len(emulator.requests()), []

        get_client()
        for warm in (ours, baseline, same_requests):  # warm-up on a small profile: sessions, imports, connection pools
            saved, profile_name = profile_name, "few_posts"
            warm()
            profile_name = saved
        ours_runs, bare_runs, same_runs = [], [], []
        for i in range(args.repeat):
            pair = (ours, baseline) if i % 2 == 0 else (baseline, ours)
            for function in pair:
                (ours_runs if function is ours else bare_runs).append(function())
            same_runs.append(same_requests())

        ours_s = median([r[0] for r in ours_runs])
        bare_s = median([r[0] for r in bare_runs])
        ours_requests = ours_runs[-1][1]
        bare_requests = bare_runs[-1][1]
        repeated = [k for k, n in Counter(ours_runs[-1][2]).items() if n > 1]
        videos, floor_requests = logged_in_floor(profile_name)
        floor = ours_requests * latency
        figures.append(Figure(f"analyse {profile_name} @{LATENCY_MS}ms vs request floor", ours_s, floor, "s",
                              "≤ 1.05×", ours_s / floor <= 1.05, f"{ours_requests} requests × {LATENCY_MS} ms",
                              [r[0] for r in ours_runs]))
        same_s = median([r[0] for r in same_runs])
        figures.append(Figure(f"analyse {profile_name} vs the same requests sent bare", ours_s, same_s, "s",
                              "≤ 1.25×", ours_s / same_s <= 1.25,
                              f"bare: profile page + reels-tab pages, {same_runs[-1][1]} requests, nothing read "
                              "or stored", [r[0] for r in ours_runs]))
        figures.append(Figure(f"analyse {profile_name} vs bare instaloader", ours_s, bare_s, "s", "≤ 1.0×",
                              ours_s / bare_s <= 1.0, f"bare: {bare_requests} requests, "
                              f"{bare_s / (bare_requests * latency):.3f}× its own floor",
                              [r[0] for r in ours_runs]))
        figures.append(Figure(f"HTTP requests per analysis, logged in ({videos} videos)", ours_requests,
                              floor_requests, "req", "≤ 1.0× ⌈N/12⌉+4, none repeated",
                              not repeated and ours_requests <= floor_requests,
                              f"bare instaloader {bare_requests}; repeated {len(repeated)}"))

        _set_access(session_file, logged_in=False)
        get_client()
        emulator.reset_requests()
        del _sent[:]
        anonymous_s, _ = _timed_analysis(db, args.anonymous_profile)
        anonymous_requests = len(emulator.requests())
        repeated = [k for k, n in Counter(_sent).items() if n > 1]
        posts, anonymous_floor_requests = anonymous_floor(args.anonymous_profile)
        figures.append(Figure(f"HTTP requests per analysis, anonymous ({posts} posts)", anonymous_requests,
                              anonymous_floor_requests, "req", "≤ 1.0× P+⌈P/12⌉+4",
                              anonymous_requests <= anonymous_floor_requests,
                              f"{args.anonymous_profile}: reels tab null, timeline + a detail per post; "
                              f"repeated {len(repeated)} (instaloader fetches the start page for the csrf "
                              "cookie, then again for the web app's tokens)"))
        figures.append(Figure(f"analyse {args.anonymous_profile} anonymously @{LATENCY_MS}ms vs request floor",
                              anonymous_s, anonymous_requests * latency, "s", "info", None,
                              f"{anonymous_requests} requests × {LATENCY_MS} ms"))

        with Emulator(SLOW_LATENCY_MS, era=BASELINE_ERA) as slow:
            os.environ["INSTAGRAM_BASE_URL"] = slow.url
            slow_latency = SLOW_LATENCY_MS / 1000
            for logged_in, name in ((True, profile_name), (False, args.anonymous_profile)):
                _set_access(session_file, logged_in)
                get_client()
                slow.reset_requests()
                elapsed, _ = _timed_analysis(db, name)
                made = len(slow.requests())
                access = "logged in" if logged_in else "anonymously"
                figures.append(Figure(f"analyse {name} {access} @{SLOW_LATENCY_MS}ms vs request floor", elapsed,
                                      made * slow_latency, "s", "info", None,
                                      f"{made} requests × {SLOW_LATENCY_MS} ms"))
            os.environ["INSTAGRAM_BASE_URL"] = emulator.url
        _set_access(session_file, logged_in=True)

        if not args.skip_concurrent:
            os.environ["REELSCOPE_RATE_LIMIT_SCALE"] = str(BUDGET_SCALE)
            samples, floors, counts = [], [], []
            for _ in range(args.concurrent_repeat):
                _reset_client()  # a fresh shared budget for each repetition
                get_client()
                del query_types[:]
                emulator.reset_requests()
                started = time.perf_counter()
                ids = [submission.create_analyses([profile_name], args.concurrent_reels, db=db, start=False)[0]
                       for _ in range(8)]  # one call each: a submission would deduplicate the name
                runner = threads.JobRunner(workers=8)
                for analysis_id in ids:
                    runner.submit(analysis_id, db)
                runner.shutdown(wait=True)
                samples.append(time.perf_counter() - started)
                states = [store.get_state(db, i) for i in ids]
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
