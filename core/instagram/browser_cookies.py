"""Read a local browser profile's instagram.com cookies with browser_cookie3.

browser_cookie3 is the library behind instaloader's own ``--load-cookies BROWSER``; every browser it reads is
supported (``SUPPORTED_BROWSERS``). Only cookies of ``instagram.com`` and its subdomains are kept; cookie values
never appear in a message.
"""

from __future__ import annotations

import http.cookiejar
from pathlib import Path

import browser_cookie3

from core.instagram.session import is_instagram_host

_READERS = {reader.__name__: reader for reader in browser_cookie3.all_browsers}
SUPPORTED_BROWSERS: tuple[str, ...] = tuple(sorted(_READERS))
INSTAGRAM_DOMAIN = "instagram.com"
# Where a cookie database sits inside a profile folder: Firefox-based, Chromium-based (new, old), Safari.
_COOKIE_FILES_IN_PROFILE = ("cookies.sqlite", "Network/Cookies", "Cookies", "Cookies.binarycookies")


class BrowserCookiesError(Exception):
    """The browser's cookies could not be read, or hold no Instagram login; one sentence, no cookie values."""


class UnknownBrowser(BrowserCookiesError):
    """A browser name browser_cookie3 does not read."""


def browser_named(name: str) -> str:
    """The browser_cookie3 name for ``name`` (case and ``-`` ignored); UnknownBrowser otherwise."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in _READERS:
        raise UnknownBrowser(f"Unknown browser {name!r}: choose one of {', '.join(SUPPORTED_BROWSERS)}.")
    return key


def cookie_database(profile: Path) -> Path:
    """The cookie database for a profile folder or a cookie file; BrowserCookiesError when there is none."""
    if profile.is_file():
        return profile
    if profile.is_dir():
        for relative in _COOKIE_FILES_IN_PROFILE:
            if (profile / relative).is_file():
                return profile / relative
        raise BrowserCookiesError(f"No cookie database in the profile folder {profile} (looked for "
                                  f"{', '.join(_COOKIE_FILES_IN_PROFILE)}).")
    raise BrowserCookiesError(f"No such profile folder or cookie file: {profile}.")


def instagram_cookies(browser: str, profile: Path | None = None) -> dict[str, str]:
    """Name → value of the unexpired instagram.com cookies in ``browser``'s default profile (or ``profile``)."""
    browser = browser_named(browser)
    cookie_file = cookie_database(profile.expanduser()) if profile is not None else None
    where = str(cookie_file) if cookie_file else "its default profile"
    try:
        jar = _READERS[browser](cookie_file=str(cookie_file) if cookie_file else None, domain_name=INSTAGRAM_DOMAIN)
    except Exception as exc:  # noqa: BLE001 - missing profiles, keyrings, foreign files: say which, never contents
        raise BrowserCookiesError(f"Could not read {browser}'s cookies from {where}: {_reason(exc, browser)}") from None
    cookies = _instagram_only(jar)
    if not cookies:
        raise BrowserCookiesError(f"{browser} has no instagram.com cookies in {where}: log in to instagram.com in "
                                  f"{browser} first, or name the profile that is logged in.")
    return cookies


def _instagram_only(jar: http.cookiejar.CookieJar) -> dict[str, str]:
    # browser_cookie3 filters hosts with SQL LIKE '%instagram.com%', which also matches e.g. notinstagram.com.
    return {cookie.name: cookie.value for cookie in jar
            if is_instagram_host(cookie.domain) and cookie.value and not cookie.is_expired()}


def _reason(exc: Exception, browser: str) -> str:
    if isinstance(exc, browser_cookie3.BrowserCookieError):
        return f"{exc}."
    if isinstance(exc, KeyError) and "DBUS_SESSION_BUS_ADDRESS" in str(exc):
        # Chromium-family browsers on Linux keep the key of their cookie encryption in the desktop keyring.
        return (f"{browser} keeps its cookie key in the desktop keyring, which needs a desktop session "
                "(DBUS_SESSION_BUS_ADDRESS is not set). Run this from a terminal of your desktop session, or export "
                "the instagram.com cookies as JSON and import that file.")
    return f"{type(exc).__name__}; is it a {browser} profile?"
