"""Download-link tokens have one spelling: a signature re-spelled in base64's spare bits is not a valid token."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from core.exports.links import BadLink, sign, verify

KEY = b"a test key of thirty-two bytes!!"
EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _respelled(text: str) -> str:
    """The same bytes in base64url with the last character's unused low bit flipped (43 characters hold 32 bytes)."""
    last = ALPHABET[ALPHABET.index(text[-1]) ^ 1]
    respelled = text[:-1] + last
    assert base64.urlsafe_b64decode(respelled + "=") == base64.urlsafe_b64decode(text + "=")
    return respelled


def test_a_token_verifies_as_signed():
    assert verify(sign("export-1", EXPIRES, key=KEY), key=KEY) == ("export-1", EXPIRES)


def test_a_signature_respelled_with_the_same_bytes_is_refused():
    payload, signature = sign("export-1", EXPIRES, key=KEY).split(".")
    with pytest.raises(BadLink):
        verify(f"{payload}.{_respelled(signature)}", key=KEY)
