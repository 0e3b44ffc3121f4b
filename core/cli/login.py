"""`python -m core login --from-browser BROWSER | --cookies-file PATH | --status` and `python -m core logout`.

The Instagram login session (README: Login): imported from a local browser or a cookies JSON into
REELSCOPE_SESSION_FILE, checked with instaloader's test_login(). Cookie values are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE

_BROWSERS_HINT = "firefox, chrome, chromium, edge, brave, opera, opera_gx, vivaldi, librewolf, safari, arc, …"


def register(sub) -> None:
    login = sub.add_parser(
        "login", help="store an Instagram login session (from a browser or a cookies JSON), or check it",
        description="Logged in, Instagram sends play and view counts. Imports the instagram.com cookies of a "
                    "local browser (browser_cookie3, as instaloader's --load-cookies) or a cookies JSON into "
                    "REELSCOPE_SESSION_FILE (mode 0600) after Instagram accepted them. Cookie values are never "
                    "printed. Exit 0 logged in, 1 failed or not logged in, 2 bad usage.")
    mode = login.add_mutually_exclusive_group(required=True)
    mode.add_argument("--from-browser", metavar="BROWSER",
                      help=f"import the cookies of a local browser's default profile: {_BROWSERS_HINT}")
    mode.add_argument("--cookies-file", metavar="PATH", type=Path,
                      help="import a cookies JSON: an object of cookies or a browser extension's cookie list")
    mode.add_argument("--status", action="store_true",
                      help="say whether the stored session works and as whom (exit 0 works, 1 not or none stored)")
    login.add_argument("--browser-profile", "--cookie-file", dest="browser_profile", metavar="PATH", type=Path,
                       help="with --from-browser: another profile folder, or its cookie database "
                            "(e.g. ~/.mozilla/firefox/abcd.work/cookies.sqlite)")
    login.add_argument("--json", action="store_true",
                       help="with --status: print {\"state\", \"username\", \"session_file\", \"message\"}")
    login.set_defaults(run=run_login)

    logout = sub.add_parser("logout", help="remove the stored Instagram login session (analyses run anonymously)")
    logout.set_defaults(run=run_logout)


def _usage_error(message: str) -> int:
    print(f"python -m core login: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_login(args: argparse.Namespace) -> int:
    from core.instagram.browser_cookies import UnknownBrowser, browser_named
    from core.instagram.login import LoginFailed, log_in_from_browser, log_in_from_cookies_file

    if args.browser_profile is not None and not args.from_browser:
        return _usage_error("--browser-profile (--cookie-file) goes with --from-browser")
    if args.json and not args.status:
        return _usage_error("--json goes with --status")
    if args.browser_profile is not None and not args.browser_profile.expanduser().exists():
        return _usage_error(f"no such profile folder or cookie file: {args.browser_profile}")
    if args.status:
        return _print_status(as_json=args.json)
    try:
        if args.from_browser:
            username = log_in_from_browser(browser_named(args.from_browser), args.browser_profile)
        else:
            if not args.cookies_file.is_file():
                return _usage_error(f"no such file: {args.cookies_file}")
            username = log_in_from_cookies_file(args.cookies_file)
    except UnknownBrowser as exc:
        return _usage_error(str(exc))
    except LoginFailed as exc:
        print(f"python -m core login: {exc}", file=sys.stderr)
        return EXIT_FAILED
    from core.instagram.session import session_file

    print(f"Logged in as {username}; the session is stored in {session_file()} (owner-only).")
    return EXIT_OK


def _print_status(as_json: bool) -> int:
    from core.instagram.session import session_file, stored_session_status

    status = stored_session_status()
    if as_json:
        print(json.dumps({"state": status.state, "username": status.username, "session_file": str(session_file()),
                          "message": status.message}))
    else:
        print(status.message)
    return EXIT_OK if status.works else EXIT_FAILED


def run_logout(args: argparse.Namespace) -> int:
    from core.instagram.login import log_out
    from core.instagram.session import session_file

    if log_out():
        print(f"Removed the stored Instagram session ({session_file()}); analyses now run anonymously.")
    else:
        print(f"No Instagram session was stored ({session_file()}); nothing to remove.")
    return EXIT_OK
