"""`python -m core jobs [--username NAME] [--status S] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_OK, EXIT_USAGE

# the plain listing's columns (tab-separated, one analysis a line, under this header row)
HEADER = ("analysis_id", "username", "status", "progress", "reels", "source", "access", "created (UTC)",
          "requested by")


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
    states = list_states(get_database(), username=username, status=args.status)
    if not args.json and states:
        print("\t".join(HEADER))
    for state in states:
        if args.json:
            print(json.dumps({"analysis_id": state.analysis_id, "username": state.username, "status": state.status,
                              "progress": state.progress, "error": state.error, "reels": state.reels_stored,
                              "reels_stored": state.reels_stored,
                              "data_source": state.data_source, "access": state.access,
                              "requested_access": state.requested_access, "requested_by": state.requested_by,
                              "created_at": state.created_at.isoformat()}, ensure_ascii=False))
        else:
            print(f"{state.analysis_id}\t@{state.username}\t{state.status}\t{state.progress}%\t"
                  f"{state.reels_stored:,}\t{state.data_source}\t"
                  f"{state.access or state.requested_access or 'not yet known'}\t"
                  f"{state.created_at:%Y-%m-%d %H:%M}\t{state.requested_by or 'unknown'}")
    if not args.json and not states:
        print("No analyses stored" + (" matching these options." if username or args.status else "."),
              file=sys.stderr)
    return EXIT_OK


