"""`python -m core emulator [--port P]`: serve the built-in Instagram emulator."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    emulator = sub.add_parser("emulator", help="serve the built-in Instagram emulator (for demos and tests)",
                              description="Serve synthetic Instagram profiles; the first stdout line is the URL "
                                          "to put in INSTAGRAM_BASE_URL.")
    emulator.add_argument("--port", type=int, default=8765, help="port (0 picks a free one; default 8765)")
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    emulator.add_argument("--latency-ms", type=int, default=0, help="delay every answer by this many ms")
    emulator.add_argument("--fault", action="append", default=[], metavar="KIND[:USERNAME[:TIMES]]",
                          help="inject a fault (429, 401_wait, 403, feedback_required, retired_doc_id, 500, 503, "
                               "reset, slow, malformed, truncated, login)")
    emulator.add_argument("--session", action="append", default=[], metavar="SESSIONID:USERNAME",
                          help="a sessionid cookie that logs in as USERNAME (repeatable; "
                               "reelscope-demo-session logs in as demo_viewer)")
    emulator.add_argument("--everything-anonymous", action="store_true",
                          help="older mode: anonymous visitors get play counts and the reels tab")
    emulator.add_argument("--era", default="2026-11", choices=("2026-09", "2026-11"),
                          help="how Instagram answers: 2026-11 as since late October 2026 (default), 2026-09 as "
                               "before (README: Limits of scraping Instagram)")
    emulator.add_argument("--listing-omit", action="append", default=[], metavar="FIELD",
                          help="leave this media field out of listing nodes (repeatable)")
    emulator.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from emulator.cli import main as emulator_main

    argv = ["--port", str(args.port), "--host", args.host, "--latency-ms", str(args.latency_ms), "--era", args.era]
    for fault in args.fault:
        argv += ["--fault", fault]
    for session in args.session:
        argv += ["--session", session]
    for name in args.listing_omit:
        argv += ["--listing-omit", name]
    if args.everything_anonymous:
        argv.append("--everything-anonymous")
    return emulator_main(argv)


