"""`python -m core doctor [--json] [--username NAME]`: which route of each Instagram capability works now.

README: Limits of scraping Instagram; docs/instagram-access.md. Exit 0 when every capability has a working route,
1 otherwise, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    doctor = sub.add_parser(
        "doctor", help="probe each Instagram capability over each of its routes (at most 10 requests)",
        description="Probes the session check, profile, reels listing, posts listing and post detail over each of "
                    "their routes (the web app's api/graphql first, then the older ones), anonymously and, when a "
                    "session is stored, signed in. Routes refused within REELSCOPE_ROUTE_SKIP_HOURS are shown as "
                    "skipped. Exit 0 when every capability has a working route, 1 otherwise.")
    doctor.add_argument("--json", action="store_true",
                        help='print {"session": {"state", "username"}, "capabilities": [...], "requests": N}')
    doctor.add_argument("--username", metavar="NAME",
                        help="public profile to probe with (default: the last one analysed, else instagram)")
    doctor.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.domain.usernames import validate_username
    from core.instagram.doctor import probe_profile, run_doctor
    from core.storage.route_refusals import shared_route_memory

    if args.username is not None:
        try:
            args.username = validate_username(args.username)
        except ValueError as exc:
            print(f"python -m core doctor: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    report = run_doctor(shared_route_memory(), probe_profile(args.username))
    print(json.dumps(report.to_json()) if args.json else report.table())
    return EXIT_OK if report.healthy else EXIT_FAILED
