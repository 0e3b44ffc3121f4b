"""``python -m core …``: the command line (CONTRACTS §3). Runs the same job code as the dashboard."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with the usage, as argparse does, but never 1
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="ReelScope: analyse Instagram reels.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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

    emulator = sub.add_parser("emulator", help="serve the built-in Instagram emulator (for demos and tests)",
                              description="Serve synthetic Instagram profiles; the first stdout line is the URL "
                                          "to put in INSTAGRAM_BASE_URL.")
    emulator.add_argument("--port", type=int, default=8765, help="port (0 picks a free one; default 8765)")
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    emulator.add_argument("--latency-ms", type=int, default=0, help="delay every answer by this many ms")
    emulator.add_argument("--fault", action="append", default=[], metavar="KIND[:USERNAME[:TIMES]]",
                          help="inject a fault (429, 401_wait, 500, 503, reset, slow, malformed, truncated)")

    jobs = sub.add_parser("jobs", help="list stored analyses")
    jobs.add_argument("--username", help="only this profile")
    jobs.add_argument("--status", choices=["pending", "processing", "completed", "failed"])
    jobs.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def _analyze(args: argparse.Namespace) -> int:
    from core.jobs import InvalidSubmission, create_analyses, recover_orphans, wait_for

    if args.max_reels is not None and args.max_reels < 0:
        print("error: --max-reels must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        from core.jobs import validate_submission
        validate_submission(args.usernames)
    except InvalidSubmission as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    recover_orphans()
    ids = create_analyses(args.usernames, args.max_reels)
    last_lines: dict[str, str] = {}

    def show_progress(states) -> None:
        if args.quiet:
            return
        for state in states:
            if state is None:
                continue
            line = f"@{state.username}: {state.status} {state.progress}% {state.message or ''}".rstrip()
            if last_lines.get(state.analysis_id) != line:
                last_lines[state.analysis_id] = line
                print(line, file=sys.stderr, flush=True)

    states = wait_for(ids, on_poll=show_progress, poll=0.1)
    exit_code = EXIT_OK
    for state in states:
        if state.status != "completed":
            exit_code = EXIT_FAILED
            print(f"@{state.username}: failed: {state.error}", file=sys.stderr)
        if args.json:
            print(json.dumps({"analysis_id": state.analysis_id, "username": state.username, "status": state.status,
                              "error": state.error if state.status != "completed" else None,
                              "reels": state.reels_stored}, ensure_ascii=False), flush=True)
        elif state.status == "completed":
            print(f"{state.analysis_id}\t@{state.username}\t{state.reels_stored} reels")
    return exit_code


def _jobs(args: argparse.Namespace) -> int:
    from core.db import get_database
    from core.store import list_states

    for state in list_states(get_database(), username=args.username, status=args.status):
        if args.json:
            print(json.dumps({"analysis_id": state.analysis_id, "username": state.username, "status": state.status,
                              "progress": state.progress, "error": state.error, "reels": state.reels_stored,
                              "created_at": state.created_at.isoformat()}, ensure_ascii=False))
        else:
            print(f"{state.analysis_id}\t@{state.username}\t{state.status}\t{state.progress}%\t"
                  f"{state.reels_stored} reels\t{state.created_at:%Y-%m-%d %H:%M}")
    return EXIT_OK


def _emulator(args: argparse.Namespace) -> int:
    from emulator.cli import main as emulator_main

    argv = ["--port", str(args.port), "--host", args.host, "--latency-ms", str(args.latency_ms)]
    for fault in args.fault:
        argv += ["--fault", fault]
    return emulator_main(argv)


COMMANDS = {"analyze": _analyze, "emulator": _emulator, "jobs": _jobs}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
