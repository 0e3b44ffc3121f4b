"""Requests per signed-in analysis in each emulator era, against the listing floor ⌈videos/12⌉+4.

``python -m bench.instagram_routes [--profiles a,b,…] [--json]``: for each era (2026-09: Instagram before late October
2026; 2026-11: since), a fresh store and the built-in demo session analyse each profile once through the real
pipeline and instaloader; the emulator counts every Instagram request (CDN images left out). The first analysis of
an era also pays the session check (start page + profile query), as the first analysis of a process does.
The ratio is requests / floor: at most 1.0 meets the issue's bound.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PROFILES = ("demo_creator", "few_posts", "feed_videos", "big_creator")


def measure(era: str, profiles: list[str]) -> list[dict]:
    from core.instagram.scraper import reset_client
    from core.instagram.session import delete_session, save_session
    from core.jobs.submission import create_analyses, wait_for
    from core.storage.engine import get_database
    from emulator import EmulatorServer

    rows = []
    with EmulatorServer(era=era) as emulator, tempfile.TemporaryDirectory() as folder:
        os.environ.update(DATABASE_URL=f"sqlite:///{Path(folder) / 'bench.db'}", INSTAGRAM_BASE_URL=emulator.url,
                          REELSCOPE_SESSION_FILE=str(Path(folder) / "session.json"), REELSCOPE_RATE_LIMIT_SCALE="0",
                          REELSCOPE_MAX_ATTEMPTS="1", REELSCOPE_LOG_FILE=str(Path(folder) / "bench.log"),
                          REELSCOPE_COLUMNS_DIR=str(Path(folder) / "columns"))
        os.environ.pop("REELSCOPE_DEMO", None)
        save_session({"sessionid": "reelscope-demo-session", "ds_user_id": "7000000001"})
        reset_client()
        db = get_database()
        try:
            for name in profiles:
                emulator.reset_requests()
                [state] = wait_for(create_analyses([name], db=db), db=db, timeout=600)
                videos = len(emulator.catalogue[name].videos)
                requests = sum(1 for r in emulator.requests if r.endpoint != "cdn")
                floor = math.ceil(videos / 12) + 4
                rows.append({"era": era, "profile": name, "status": state.status, "access": state.access,
                             "videos": videos, "requests": requests, "floor": floor,
                             "ratio": round(requests / floor, 2)})
        finally:
            delete_session()
            reset_client()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instagram_routes", description=__doc__)
    parser.add_argument("--profiles", default=",".join(DEFAULT_PROFILES))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from emulator import ERAS

    rows = [row for era in ERAS for row in measure(era, args.profiles.split(","))]
    if args.json:
        print(json.dumps(rows))
    else:
        print(f"{'era':<8} {'profile':<14} {'videos':>6} {'requests':>8} {'floor':>6} {'ratio':>6}  access")
        for r in rows:
            print(f"{r['era']:<8} {r['profile']:<14} {r['videos']:>6} {r['requests']:>8} {r['floor']:>6} "
                  f"{r['ratio']:>6}  {r['access']} ({r['status']})")
    return 0 if all(r["ratio"] <= 1.0 and r["status"] == "completed" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
