"""An optional Instagram login session, supplied as cookies (never as a pickle file).

Accepted forms: a pasted ``sessionid`` value, a ``Cookie:`` header line, a JSON object of cookie
names to values, or a browser extension's JSON cookie export (a list of {name, value, domain}).
The cookies are checked with instaloader's ``test_login()`` and stored as JSON with owner-only
permissions outside the project (``REELSCOPE_SESSION_FILE``, default
``~/.config/reelscope/instagram-session.json``). Cookie values are never logged.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

INSTAGRAM_COOKIE_NAMES = ("sessionid", "csrftoken", "ds_user_id", "mid", "ig_did", "rur")
_SESSIONID = re.compile(r"^[A-Za-z0-9%:._-]{10,400}$")
MAX_INPUT_BYTES = 64 * 1024


class InvalidSession(ValueError):
    """Session input that is not usable; the message never contains the cookie values."""


def session_file() -> Path:
    configured = os.environ.get("REELSCOPE_SESSION_FILE", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".config" / "reelscope" / \
        "instagram-session.json"


def parse_session_input(text: str) -> dict[str, str]:
    """Cookies from what a user pasted or uploaded; InvalidSession when there is no usable sessionid."""
    if not text or not text.strip():
        raise InvalidSession("Paste a sessionid or a cookies JSON export.")
    if len(text.encode("utf-8", "replace")) > MAX_INPUT_BYTES:
        raise InvalidSession("That is too large to be an Instagram cookie export (64 KiB at most).")
    stripped = text.strip()
    if stripped[:1] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InvalidSession(f"That is not valid JSON (line {exc.lineno}).") from None
        cookies = _cookies_from_json(data)
    elif "=" in stripped:
        header = stripped.split(":", 1)[1] if stripped.lower().startswith("cookie:") else stripped
        cookies = {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in header.split(";")) if k.strip()}
    else:
        cookies = {"sessionid": stripped}
    cookies = {k: v for k, v in cookies.items() if k in INSTAGRAM_COOKIE_NAMES and isinstance(v, str) and v}
    if not _SESSIONID.match(cookies.get("sessionid", "")):
        raise InvalidSession("No valid Instagram sessionid cookie was found.")
    return cookies


def _cookies_from_json(data: object) -> dict[str, str]:
    if isinstance(data, dict):
        if "cookies" in data and isinstance(data["cookies"], list):
            return _cookies_from_json(data["cookies"])
        return {str(k): v for k, v in data.items() if isinstance(v, str)}
    if isinstance(data, list):
        cookies = {}
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), str):
                domain = str(item.get("domain", ".instagram.com"))
                if domain.lstrip(".").endswith("instagram.com"):
                    cookies[item["name"]] = item["value"]
        return cookies
    raise InvalidSession("The JSON must be an object of cookies or a list of cookie entries.")


def save_session(cookies: dict[str, str]) -> Path:
    """Write the cookies atomically with mode 0600 (folder 0700)."""
    path = session_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".session-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(cookies, handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load_session() -> dict[str, str] | None:
    """The stored cookies, or None when there are none (or the file is not a cookie JSON object)."""
    path = session_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else None


def delete_session() -> bool:
    path = session_file()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def check_session(cookies: dict[str, str]) -> str:
    """The Instagram username the cookies log in as (instaloader's ``test_login``); InvalidSession if none."""
    import instaloader

    from core.config import load_settings
    from core.instagram_transport import redirect_instagram_to

    settings = load_settings()
    redirect_instagram_to(settings.instagram_base_url)
    loader = instaloader.Instaloader(quiet=True, max_connection_attempts=1, request_timeout=settings.request_timeout,
                                     sleep=False)
    loader.context.update_cookies(cookies)
    try:
        username = loader.test_login()
    except Exception as exc:  # noqa: BLE001 - any failure means the session cannot be used
        raise InvalidSession(f"Instagram did not accept this session ({type(exc).__name__}).") from None
    if not username:
        raise InvalidSession("Instagram did not accept this session (not logged in).")
    return username
