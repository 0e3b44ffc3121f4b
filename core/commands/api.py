"""`python -m core api [--host H] [--port P]`: serve the REST API (api/, CONTRACTS §6) with uvicorn until stopped."""

from __future__ import annotations

import argparse
import sys

from core.cli import EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    api = sub.add_parser("api", help="serve the REST API (OpenAPI docs at /docs)",
                         description="Serve the ReelScope REST API with uvicorn until stopped (Ctrl+C). "
                                     "Settings: REELSCOPE_API_TOKEN, REELSCOPE_API_RATE_LIMIT, "
                                     "REELSCOPE_API_MAX_BODY_BYTES.")
    api.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    api.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    api.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: core never imports the api package at module level (it is an optional layer above core).
    import uvicorn

    from api.app import create_app

    try:
        app = create_app()
    except ValueError as exc:  # a malformed REELSCOPE_API_* setting
        print(f"python -m core api: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return EXIT_OK
