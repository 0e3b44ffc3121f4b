"""`python -m core watch add|list|remove|run-due` (README: Watchlists and alerts): the watchlist from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.main import EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    watch = sub.add_parser("watch", help="profiles re-analysed on a schedule (add, list, remove, run-due)",
                           description="Keep a watchlist of profiles that are analysed again every interval. "
                                       "Due watches run from the dashboard while it runs, from Celery beat in team "
                                       "mode, or from `watch run-due` (for cron or a systemd timer).")
    actions = watch.add_subparsers(dest="action", required=True, parser_class=type(watch))
    add = actions.add_parser("add", help="watch profiles (or change the interval of watched ones)")
    add.add_argument("usernames", nargs="+", metavar="USERNAME", help="Instagram username, with or without @")
    add.add_argument("--every", default="1d", metavar="DURATION",
                     help="interval between analyses: 30s, 90m, 12h, 1d, 7d … up to 3650d (default 1d)")
    add.add_argument("--max-reels", type=int, default=None, metavar="N",
                     help="analyse only the N most recent reels each time, 0..100000 (default: all)")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", help="every watch with its last run and when it is next due")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(run=run_list)
    remove = actions.add_parser("remove", help="stop watching profiles (exit 2 for a name that is not watched)")
    remove.add_argument("usernames", nargs="+", metavar="USERNAME")
    remove.set_defaults(run=run_remove)
    due = actions.add_parser("run-due", help="run every due watch once, to completion (for cron)",
                             description="Analyse every due watch once and wait for the results; prints what "
                                         "`analyze` prints. Exit 0 when all completed or none was due, 1 when any "
                                         "failed.")
    due.add_argument("--json", action="store_true", help="one JSON object per analysis, as `analyze --json`")
    due.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    due.set_defaults(run=run_due)


def run_add(args: argparse.Namespace) -> int:
    from core.jobs.submission import InvalidSubmission
    from core.storage.engine import get_database
    from core.watchlists.watches import (
        InvalidDuration,
        InvalidMaxReels,
        add_watches,
        check_max_reels,
        format_duration,
        parse_duration,
    )

    try:
        every = parse_duration(args.every)
        check_max_reels(args.max_reels)
        names = add_watches(get_database(), args.usernames, every, args.max_reels)
    except (InvalidSubmission, InvalidDuration, InvalidMaxReels) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for name in names:
        print(f"watching @{name} every {format_duration(every)}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    from core.storage.engine import get_database
    from core.watchlists.watches import format_duration, list_watches

    for watch in list_watches(get_database()):
        if args.json:
            print(json.dumps(watch.to_json(), ensure_ascii=False))
        else:
            last = watch.last_run_at.strftime("%Y-%m-%d %H:%M") if watch.last_run_at else "never"
            due = ("due now" if watch.due else "running" if watch.next_due_at is None
                   else f"next {watch.next_due_at:%Y-%m-%d %H:%M} UTC")
            print(f"@{watch.username}\tevery {format_duration(watch.every_seconds)}\tlast {last}"
                  f"{' (' + watch.last_status + ')' if watch.last_status else ''}\t{due}")
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    from core.jobs.submission import InvalidSubmission
    from core.storage.engine import get_database
    from core.watchlists.watches import UnknownWatch, remove_watches

    try:
        names = remove_watches(get_database(), args.usernames)
    except (InvalidSubmission, UnknownWatch) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for name in names:
        print(f"stopped watching @{name}")
    return EXIT_OK


def run_due(args: argparse.Namespace) -> int:
    from core.cli.analyze import print_results, progress_printer
    from core.watchlists.watches import run_due as run_due_watches

    states = run_due_watches(on_poll=progress_printer(args.quiet))
    if not states and not args.json and not args.quiet:
        print("no watch is due", file=sys.stderr)
    return print_results(states, args.json)
