"""``python -m emulator``: serve the Instagram emulator until SIGINT/SIGTERM.

The first stdout line is the base URL (for ``INSTAGRAM_BASE_URL``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import ERAS, FAULT_KINDS, LISTING_FIELDS, NEWEST_ERA, EmulatorServer, Fault


def parse_fault(spec: str) -> Fault:
    """``KIND[:USERNAME[:TIMES]]``, e.g. ``429``, ``reset:demo_creator``, ``503::2``."""
    kind, _, rest = spec.partition(":")
    username, _, times = rest.partition(":")
    if kind not in FAULT_KINDS:
        raise argparse.ArgumentTypeError(f"unknown fault kind {kind!r} (one of {', '.join(FAULT_KINDS)})")
    try:
        return Fault(kind, username=username or None, times=int(times) if times else None)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def parse_session(spec: str) -> tuple[str, str]:
    """``SESSIONID:USERNAME``: a sessionid cookie value that logs in as USERNAME."""
    value, sep, username = spec.rpartition(":")
    if not sep or not value or not username:
        raise argparse.ArgumentTypeError(f"expected SESSIONID:USERNAME, got {spec!r}")
    return value, username.lstrip("@").lower()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every response")
    parser.add_argument("--fault", action="append", default=[], type=parse_fault,
                        metavar="KIND[:USERNAME[:TIMES]]", help="inject a fault (repeatable)")
    parser.add_argument("--session", action="append", default=[], type=parse_session, metavar="SESSIONID:USERNAME",
                        help="a sessionid cookie that logs in as USERNAME (repeatable; "
                             "reelscope-demo-session:demo_viewer is built in)")
    parser.add_argument("--everything-anonymous", action="store_true",
                        help="older mode: anonymous visitors get play counts, the reels tab and web_profile_info "
                             "for business accounts (default: as live Instagram answers)")
    parser.add_argument("--era", default=NEWEST_ERA, choices=ERAS,
                        help=f"how Instagram answers: {ERAS[-1]} as since late October 2026 (default), "
                             f"{ERAS[0]} as before")
    parser.add_argument("--listing-omit", action="append", default=[], choices=LISTING_FIELDS, metavar="FIELD",
                        help="leave this media field out of listing nodes (repeatable; "
                             f"one of {', '.join(LISTING_FIELDS)})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    server = EmulatorServer(host=args.host, port=args.port, latency_ms=args.latency_ms, sessions=dict(args.session),
                            everything_anonymous=args.everything_anonymous, listing_omit=tuple(args.listing_omit),
                            era=args.era)
    for fault in args.fault:
        server.add_fault(fault)
    try:
        server.start()
    except OSError as err:
        print(f"cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 1
    print(server.url, flush=True)
    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
