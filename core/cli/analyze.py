"""`python -m core analyze USERNAME… [--max-reels N] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from core.instagram.data_source import EMULATOR, OTHER
from core.signin.people import CLI
from emulator.server import DEMO_SESSION_ID


def register(sub) -> None:
    analyze = sub.add_parser("analyze", help="analyse one or more profiles and wait for the results",
                             description="Analyse each USERNAME (name or @name) to completion, storing its "
                                         "profile and reels in the database (DATABASE_URL).")
    analyze.add_argument("usernames", nargs="+", metavar="USERNAME", help="Instagram username, with or without @")
    analyze.add_argument("--max-reels", type=int, default=None, metavar="N",
                         help="fetch only the N most recent reels of each profile (default: all)")
    analyze.add_argument("--json", action="store_true",
                         help="print one JSON object per analysis on stdout (analysis_id, username, status, "
                              "error, reels)")
    analyze.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    analyze.add_argument("--reuse-within", type=int, default=None, metavar="MINUTES",
                         help="answer a profile analysed (completed) within MINUTES from the store instead of "
                              "scraping it again (default: always scrape)")
    analyze.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.jobs.submission import InvalidSubmission, check_max_reels, recover_orphans, submit_analyses, wait_for

    try:
        check_max_reels(args.max_reels)
    except ValueError as exc:
        print(f"error: --max-reels: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        from core.jobs.submission import validate_submission
        validate_submission(args.usernames)
    except InvalidSubmission as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    recover_orphans()
    reuse = timedelta(minutes=args.reuse_within) if args.reuse_within else None
    ids = [s.analysis_id for s in submit_analyses(args.usernames, args.max_reels, reuse_within=reuse, requested_by=CLI)]
    states = wait_for(ids, on_poll=progress_printer(args.quiet), poll=0.1)
    return print_results(states, args.json)


def progress_printer(quiet: bool):
    """A ``wait_for`` callback printing one stderr line per change of an analysis's progress."""
    last_lines: dict[str, str] = {}

    def show_progress(states) -> None:
        if quiet:
            return
        for state in states:
            if state is None:
                continue
            line = f"@{state.username}: {state.status} {state.progress}% {state.message or ''}".rstrip()
            if last_lines.get(state.analysis_id) != line:
                last_lines[state.analysis_id] = line
                print(line, file=sys.stderr, flush=True)

    return show_progress


def withheld_advice(withheld: tuple[str, ...] | list[str], data_source: str | None) -> str:
    """What an anonymous analysis lacked, and a way to get it that works for where its data came from: a browser's
    instagram.com cookies only log in to Instagram itself, not to the emulator or another base URL."""
    what = f"Instagram withheld {', '.join(withheld)} from this anonymous analysis"
    if data_source == EMULATOR:
        return (f"{what}; the emulator logs in with its demo session: save "
                f'{{"sessionid": "{DEMO_SESSION_ID}"}} to a file and run `python -m core login --cookies-file FILE`.')
    if data_source == OTHER:
        return (f"{what}; log in with cookies the server at INSTAGRAM_BASE_URL accepts: "
                "`python -m core login --cookies-file FILE`.")
    return (f"{what}; log in with your browser's Instagram session to get them: "
            "`python -m core login --from-browser firefox` (or chrome, edge, …).")


def print_results(states, as_json: bool) -> int:
    """What `analyze` prints for finished analyses (README: Command line), and its exit status."""
    exit_code = EXIT_OK
    for state in states:
        if state.status != "completed":
            exit_code = EXIT_FAILED
            print(f"@{state.username}: failed: {state.error}", file=sys.stderr)
        if state.access_notice:
            print(f"@{state.username}: {state.access_notice}", file=sys.stderr)
        if state.withheld_fields and state.access == "anonymous":
            print(f"@{state.username}: {withheld_advice(state.withheld_fields, state.data_source)}", file=sys.stderr)
        if as_json:
            print(json.dumps({"analysis_id": state.analysis_id, "username": state.username, "status": state.status,
                              "error": state.error if state.status != "completed" else None,
                              "reels": state.reels_stored, "access": state.access,
                              "withheld_fields": list(state.withheld_fields) if state.withheld_fields is not None
                              else None}, ensure_ascii=False), flush=True)
        elif state.status == "completed":
            print(f"{state.analysis_id}\t@{state.username}\t{state.reels_stored} reels")
    return exit_code
