"""A real Firefox profile on disk: profiles.ini and a cookies.sqlite with Firefox's moz_cookies schema."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

# moz_cookies as Firefox creates it (netwerk/cookie/CookiePersistentStorage.cpp, schema with schemeMap and
# isPartitionedAttributeSet); expiry in seconds, lastAccessed/creationTime in microseconds.
MOZ_COOKIES = """
CREATE TABLE moz_cookies (
    id INTEGER PRIMARY KEY,
    originAttributes TEXT NOT NULL DEFAULT '',
    name TEXT,
    value TEXT,
    host TEXT,
    path TEXT,
    expiry INTEGER,
    lastAccessed INTEGER,
    creationTime INTEGER,
    isSecure INTEGER,
    isHttpOnly INTEGER,
    inBrowserElement INTEGER DEFAULT 0,
    sameSite INTEGER DEFAULT 0,
    rawSameSite INTEGER DEFAULT 0,
    schemeMap INTEGER DEFAULT 0,
    isPartitionedAttributeSet INTEGER DEFAULT 0,
    CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes)
)
"""
FIREFOX_SCHEMA_VERSION = 14


def write_cookies_sqlite(path: Path, cookies: list[tuple[str, str, str]], expired: list[tuple[str, str, str]] = ()
                         ) -> Path:
    """cookies.sqlite holding (host, name, value) rows valid for a year, and ``expired`` rows from yesterday."""
    path.parent.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    rows = [(host, name, value, now + 365 * 86400) for host, name, value in cookies]
    rows += [(host, name, value, now - 86400) for host, name, value in expired]
    with sqlite3.connect(path) as connection:
        connection.execute(MOZ_COOKIES)
        connection.execute(f"PRAGMA user_version = {FIREFOX_SCHEMA_VERSION}")
        connection.executemany(
            "INSERT INTO moz_cookies (originAttributes, name, value, host, path, expiry, lastAccessed, creationTime,"
            " isSecure, isHttpOnly, sameSite, rawSameSite, schemeMap) VALUES ('', ?, ?, ?, '/', ?, ?, ?, 1, 1, 0, 0, 2)",
            [(name, value, host, expiry, now * 1_000_000, now * 1_000_000) for host, name, value, expiry in rows])
    connection.close()
    return path


def write_default_firefox_profile(home: Path, cookies: list[tuple[str, str, str]]) -> Path:
    """~/.mozilla/firefox with a profiles.ini whose default (Install section) profile holds ``cookies``."""
    firefox = home / ".mozilla" / "firefox"
    profile = firefox / "x1y2z3.default-release"
    write_cookies_sqlite(profile / "cookies.sqlite", cookies)
    (firefox / "profiles.ini").write_text(
        "[Install4F96D1932A9F858E]\nDefault=x1y2z3.default-release\nLocked=1\n\n"
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=x1y2z3.default-release\nDefault=1\n\n"
        "[General]\nStartWithLastProfile=1\nVersion=2\n", encoding="utf-8")
    return profile
