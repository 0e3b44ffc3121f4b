"""An optional Instagram login session, supplied as cookies (never as a pickle file).

Accepted forms: a pasted ``sessionid`` value, a ``Cookie:`` header line, a JSON object of cookie
names to values, or a browser extension's JSON cookie export (a list of {name, value, domain}).
The cookies are checked as Instagram's web app checks a session (``core.instagram.session_check``) and stored as JSON with owner-only
permissions outside the project (``REELSCOPE_SESSION_FILE``, default
``~/.config/reelscope/instagram-session.json``). Cookie values are never logged.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

INSTAGRAM_COOKIE_NAMES = ("sessionid", "csrftoken", "ds_user_id", "mid", "ig_did", "rur")
_SESSIONID = re.compile(r"^[A-Za-z0-9%:._-]{10,400}$")
MAX_INPUT_BYTES = 64 * 1024


class InvalidSession(ValueError):
    """Session input that is not usable; the message never contains the cookie values."""


def session_file() -> Path:
    from core.settings import load_settings

    return load_settings().session_file


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
        except RecursionError:
            raise InvalidSession("That JSON is nested too deeply to be a cookie export.") from None
        cookies = _cookies_from_json(data)
    elif "=" in stripped:
        header = stripped.split(":", 1)[1] if stripped.lower().startswith("cookie:") else stripped
        cookies = {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in header.split(";")) if k.strip()}
    else:
        cookies = {"sessionid": stripped}
    return login_cookies(cookies)


def login_cookies(cookies: Mapping[str, object]) -> dict[str, str]:
    """The Instagram login cookies among ``cookies`` (others dropped); InvalidSession without a valid sessionid."""
    kept = {k: v for k, v in cookies.items() if k in INSTAGRAM_COOKIE_NAMES and isinstance(v, str) and v}
    if not _SESSIONID.match(kept.get("sessionid", "")):
        raise InvalidSession("No valid Instagram sessionid cookie was found.")
    return kept


def _cookies_from_json(data: object) -> dict[str, str]:
    if isinstance(data, dict):
        if "cookies" in data and isinstance(data["cookies"], list):
            return _cookies_from_json(data["cookies"])
        return {str(k): v for k, v in data.items() if isinstance(v, str)}
    if isinstance(data, list):
        cookies = {}
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), str):
                if is_instagram_host(str(item.get("domain", ".instagram.com"))):
                    cookies[item["name"]] = item["value"]
        return cookies
    raise InvalidSession("The JSON must be an object of cookies or a list of cookie entries.")


def is_instagram_host(host: str) -> bool:
    """instagram.com or a subdomain of it (not a look-alike such as notinstagram.com)."""
    bare = host.strip().lower().lstrip(".")
    return bare == "instagram.com" or bare.endswith(".instagram.com")


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
    except (OSError, ValueError, RecursionError):  # missing, a folder, unreadable, not JSON, nested too deep
        return None
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else None


ANONYMOUS = "anonymous"
LOGGED_IN = "logged in"  # an analysis's recorded access reads "logged in as @name"


def access_kind(access: str | None) -> str | None:
    """``anonymous`` or ``logged in`` for an analysis's recorded access (None before it is known)."""
    if not access:
        return None
    return LOGGED_IN if access.startswith(LOGGED_IN) else ANONYMOUS


def next_access_kind() -> str:
    """The access the next analysis sets out with: ``logged in`` when a session is stored, else ``anonymous``."""
    try:
        return LOGGED_IN if load_session() else ANONYMOUS
    except OSError:  # an unreadable session file: the analysis runs anonymously
        return ANONYMOUS


def session_file_version() -> tuple | None:
    """Identifies the stored session file as it is now (path, inode, size, mtime); None when there is none.

    A login or logout in another process (the CLI, another dashboard) changes it, so each process's scraper
    client notices and rebuilds itself with the new session.
    """
    path = session_file()
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def delete_session() -> bool:
    path = session_file()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


RELOGIN_HINT = ("Log in to instagram.com in your browser again, then import the session: the \"Import from my "
                "browser\" button on the Instagram login page, or `python -m core login --from-browser firefox` "
                "(or chrome, edge, …).")


@dataclass(frozen=True)
class SessionStatus:
    """Whether a session logs in to Instagram, and as whom. ``state`` is one of:

    ``none`` (no session stored), ``unreadable`` (the file is not a cookies JSON object), ``logged_in``,
    ``expired`` (Instagram answers it as a logged-out visitor), ``refused`` (Instagram refused every route of the
    check, as it does with a retired route), ``unchecked`` (Instagram could not be asked).
    """

    state: str
    username: str | None = None
    reason: str = ""

    @property
    def works(self) -> bool:
        return self.state == "logged_in"

    @property
    def message(self) -> str:
        """One sentence for the user, with how to fix it; never contains a cookie value."""
        if self.state == "logged_in":
            return f"Logged in as {self.username}: analyses use this session, and Instagram sends play counts."
        if self.state == "expired":
            return ("Your Instagram session expired: Instagram no longer accepts it, so analyses run anonymously, "
                    "without plays and views. " + RELOGIN_HINT)
        if self.state == "unchecked":
            return (f"Could not check the session with Instagram ({self.reason}). Check the network and try again; "
                    "the stored session was left as it is.")
        if self.state == "refused":
            return ("Instagram refused every way ReelScope knows to check the session, which says nothing about the "
                    f"session itself ({self.reason}): ReelScope needs an update, so logging in again will not help; "
                    "`python -m core doctor` shows which route was refused.")
        if self.state == "unreadable":
            return (f"The session file {session_file()} is not a cookies JSON object, so analyses run anonymously. "
                    + RELOGIN_HINT)
        return "No Instagram session is stored: analyses run anonymously, without plays and views."


def session_status(cookies: dict[str, str]) -> SessionStatus:
    """Ask Instagram whom the cookies log in as, the way its web app asks (``core.instagram.session_check``:
    the start page and a profile query over ``api/graphql``, then instaloader's ``test_login`` query)."""
    import instaloader

    from core.instagram.session_check import check_viewer
    from core.instagram.transport import redirect_instagram_to
    from core.settings import load_settings
    from core.storage.route_refusals import shared_route_memory

    settings = load_settings()
    redirect_instagram_to(settings.instagram_base_url)
    loader = instaloader.Instaloader(quiet=True, max_connection_attempts=1, request_timeout=settings.request_timeout,
                                     sleep=False)
    loader.context.update_cookies(cookies)
    try:
        check = check_viewer(loader.context, shared_route_memory())
        return SessionStatus(check.state, username=check.username, reason=check.reason)
    finally:
        loader.close()


def stored_session_status() -> SessionStatus:
    """The status of the stored session (no request when none is stored)."""
    if not session_file().exists():
        return SessionStatus("none")
    cookies = load_session()
    if not cookies or "sessionid" not in cookies:
        return SessionStatus("unreadable")
    return session_status(cookies)


def check_session(cookies: dict[str, str]) -> str:
    """The Instagram username the cookies log in as (``session_status``); InvalidSession if none."""
    status = session_status(cookies)
    if status.state == "expired":
        raise InvalidSession("Instagram did not accept this session (not logged in): it expired or was logged out. "
                             "Log in to instagram.com in your browser again and import fresh cookies.")
    if status.state == "unchecked":
        raise InvalidSession(f"Could not check this session with Instagram: {status.reason}.")
    if status.state == "refused":
        raise InvalidSession(status.message)
    return status.username or ""
