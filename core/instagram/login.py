"""Logging in and out: the one place that changes the stored Instagram session.

Every change rebuilds this process's scraper client (``core.instagram.scraper``), and other processes notice the changed
file: the next analysis starts logged in, or anonymous after ``log_out``. A session is stored only after
Instagram accepted it (instaloader's ``test_login``); bad input changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from core.instagram.browser_cookies import BrowserCookiesError, instagram_cookies
from core.instagram.scraper import reset_client
from core.instagram.session import (
    MAX_INPUT_BYTES,
    InvalidSession,
    check_session,
    delete_session,
    login_cookies,
    parse_session_input,
    save_session,
)


class LoginFailed(Exception):
    """Why a login did not happen; one sentence without cookie values. Nothing was stored."""


def log_in_with_cookies(cookies: dict[str, str]) -> str:
    """Check the cookies with Instagram, store them (mode 0600) and return the username they log in as."""
    try:
        username = check_session(cookies)
    except InvalidSession as exc:
        raise LoginFailed(f"{exc} Nothing was stored.") from None
    save_session(cookies)
    reset_client()
    return username


def log_in_from_browser(browser: str, profile: Path | None = None) -> str:
    """Import the instagram.com cookies of a local browser profile (browser_cookie3) and log in with them."""
    try:
        cookies = login_cookies(instagram_cookies(browser, profile))
    except BrowserCookiesError as exc:
        raise LoginFailed(str(exc)) from None
    except InvalidSession:
        raise LoginFailed(f"{browser} has instagram.com cookies but no valid sessionid: log in to instagram.com in "
                          f"{browser} (not only visit it), then import again.") from None
    return log_in_with_cookies(cookies)


def log_in_from_cookies_file(path: Path) -> str:
    """Import a cookies JSON file (an object of cookies, or a browser extension's cookie list)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise LoginFailed(f"Cannot read {path}: {exc.strerror or type(exc).__name__}.") from None
    try:
        cookies = parse_session_input(data.decode("utf-8", "replace"))
    except InvalidSession as exc:
        raise LoginFailed(f"{path}: {exc}") from None
    return log_in_with_cookies(cookies)


def log_out() -> bool:
    """Remove the stored session; True when there was one. The next analysis runs anonymously."""
    removed = delete_session()
    reset_client()
    return removed
