"""`python -m core api [--host H] [--port P]`: serve the REST API (api/, README: REST API) with uvicorn until stopped."""

from __future__ import annotations

import argparse
import sys

from core.cli.main import EXIT_OK, EXIT_USAGE


def register(sub) -> None:
    api = sub.add_parser("api", help="serve the REST API (OpenAPI docs at /docs)",
                         description="Serve the ReelScope REST API with uvicorn until stopped (Ctrl+C). "
                                     "Settings: REELSCOPE_API_TOKEN, REELSCOPE_API_RATE_LIMIT, "
                                     "REELSCOPE_API_MAX_BODY_BYTES, REELSCOPE_API_TRUSTED_PROXIES, "
                                     "REELSCOPE_API_ALLOWED_HOSTS.")
    api.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    api.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    api.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: core never imports the api package at module level (it is an optional layer above core).
    import uvicorn

    from api.app import create_app
    from api.settings import load_api_settings

    try:
        settings = load_api_settings(bind_host=args.host)
        app = create_app(settings)
    except ValueError as exc:  # a malformed REELSCOPE_API_* setting
        print(f"python -m core api: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # X-Forwarded-For / X-Forwarded-Proto count only from the configured proxies (uvicorn trusts 127.0.0.1 by
    # default, which let any local client pick its own address and so its own rate-limit bucket).
    proxies = ",".join(settings.trusted_proxies)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)
    return EXIT_OK
