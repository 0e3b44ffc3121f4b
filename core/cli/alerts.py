"""`python -m core alerts [--json] [--username U]` (README: Watchlists and alerts): stored alerts, newest first."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_OK, EXIT_USAGE

MAX_LIMIT = 100_000


def register(sub) -> None:
    alerts = sub.add_parser("alerts", help="alerts raised by watch analyses (viral new reels, follower changes)")
    alerts.add_argument("--username", help="only this profile (with or without @)")
    alerts.add_argument("--limit", type=int, default=200,
                        help=f"at most this many, newest first: 1..{MAX_LIMIT:,} (default 200)")
    alerts.add_argument("--json", action="store_true", help="one JSON object per line")
    alerts.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.domain.usernames import parse_usernames
    from core.storage.engine import get_database
    from core.watchlists.alerts import alert_record, list_alerts

    if not 1 <= args.limit <= MAX_LIMIT:
        print(f"error: --limit must be between 1 and {MAX_LIMIT:,}", file=sys.stderr)
        return EXIT_USAGE
    username = None
    if args.username:
        valid, rejected = parse_usernames([args.username])
        if rejected or not valid:
            print(f"error: invalid username {args.username!r}", file=sys.stderr)
            return EXIT_USAGE
        username = valid[0]
    for alert in list_alerts(get_database(), username=username, limit=args.limit):
        if args.json:
            print(json.dumps(alert_record(alert), ensure_ascii=False))
        else:
            print(f"{alert.created_at:%Y-%m-%d %H:%M}\t{alert.kind}\t{alert.message}"
                  f"\t{alert_record(alert)['delivery_state']}")
    return EXIT_OK
