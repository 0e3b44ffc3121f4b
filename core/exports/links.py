"""Signed download links: a token names one export and when its link expires, signed with the server's key.

``sign(export_id, expires_at)`` gives the token; ``verify(token)`` gives back ``(export_id, expires_at)`` or raises
``BadLink`` for anything not signed by this key (altered, forged, truncated, signed by a rotated key). Expiry is
part of the signed text, so a link cannot be extended; whether it has passed is the caller's decision (410 versus
404). The signature is HMAC-SHA256 (the standard library's ``hmac``), compared in constant time.

The key is ``REELSCOPE_SECRET_KEY``; without it one is generated once into ``REELSCOPE_SECRET_KEY_FILE`` (the data
folder by default) with owner-only permissions. Changing either invalidates every link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from core.settings import load_settings

DOWNLOAD_PATH = "/api/v1/downloads/{token}"
MAX_TOKEN_LENGTH = 200
_PURPOSE = b"reelscope-download-link:"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,120}\.[A-Za-z0-9_-]{43}$")
_PAYLOAD = re.compile(r"^([A-Za-z0-9-]{1,64}):([0-9]{1,12})$")


class BadLink(ValueError):
    """Not a link this server signed (or signed with a key since rotated)."""


def signing_key() -> bytes:
    """``REELSCOPE_SECRET_KEY``, else the generated key file (created on first use, readable by its owner only)."""
    settings = load_settings()
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value().encode("utf-8")
    return _key_from_file(settings.secret_key_file)


def _key_from_file(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_urlsafe(48).encode("ascii"))
    return path.read_bytes().strip()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, _PURPOSE + payload, hashlib.sha256).digest()


def sign(export_id: str, expires_at: datetime, key: bytes | None = None) -> str:
    """The token of a link to ``export_id`` that works until ``expires_at`` (whole seconds)."""
    payload = f"{export_id}:{int(expires_at.timestamp())}".encode("ascii")
    return f"{_b64(payload)}.{_b64(_signature(payload, key or signing_key()))}"


def verify(token: str, key: bytes | None = None) -> tuple[str, datetime]:
    """(export id, expiry) of a token this server signed; BadLink otherwise."""
    if len(token) > MAX_TOKEN_LENGTH or not _TOKEN.match(token):
        raise BadLink("not a download link")
    encoded_payload, encoded_signature = token.split(".")
    try:
        payload = _unb64(encoded_payload)
    except (binascii.Error, ValueError) as exc:
        raise BadLink("not a download link") from exc
    # Compared as text, so only the one canonical encoding passes: base64's spare low bits in the last character
    # would otherwise let several strings stand for one token.
    expected = _b64(_signature(payload, key or signing_key()))
    if _b64(payload) != encoded_payload or not hmac.compare_digest(encoded_signature, expected):
        raise BadLink("not a download link")
    match = _PAYLOAD.match(payload.decode("ascii", errors="replace"))
    if match is None:
        raise BadLink("not a download link")
    return match.group(1), datetime.fromtimestamp(int(match.group(2)), UTC)


def download_path(export_id: str, expires_at: datetime) -> str:
    """``/api/v1/downloads/<token>``: the link's path on the API."""
    return DOWNLOAD_PATH.format(token=sign(export_id, expires_at))
