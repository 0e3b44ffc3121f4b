"""`python -m core jobs [--username NAME] [--status S] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    jobs = sub.add_parser("jobs", help="list stored analyses")
    jobs.add_argument("--username", help="only this profile")
    jobs.add_argument("--status", choices=["pending", "processing", "completed", "failed"])
    jobs.add_argument("--json", action="store_true", help="one JSON object per line")
    jobs.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.domain.usernames import validate_username
    from core.storage.analyses import list_states
    from core.storage.engine import get_database

    try:
        username = validate_username(args.username) if args.username is not None else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for state in list_states(get_database(), username=username, status=args.status):
        if args.json:
            print(json.dumps({"analysis_id": state.analysis_id, "username": state.username, "status": state.status,
                              "progress": state.progress, "error": state.error, "reels": state.reels_stored,
                              "reels_stored": state.reels_stored,
                              "data_source": state.data_source, "created_at": state.created_at.isoformat()}, ensure_ascii=False))
        else:
            print(f"{state.analysis_id}\t@{state.username}\t{state.status}\t{state.progress}%\t"
                  f"{state.reels_stored} reels\t{state.data_source}\t{state.created_at:%Y-%m-%d %H:%M}")
    return EXIT_OK


