"""Login cookies: accepted as text or JSON (never pickle), stored owner-only, checked, removable."""

from __future__ import annotations

import json
import stat

import pytest

from core.instagram.session import (
    InvalidSession,
    check_session,
    delete_session,
    load_session,
    parse_session_input,
    save_session,
    session_file,
)

SESSIONID = "1234567890%3AabcDEF%3A12%3AAYc"


@pytest.mark.parametrize("text", [
    SESSIONID,
    f"sessionid={SESSIONID}; csrftoken=tok",
    f"Cookie: sessionid={SESSIONID}; csrftoken=tok",
    json.dumps({"sessionid": SESSIONID, "csrftoken": "tok"}),
    json.dumps([{"name": "sessionid", "value": SESSIONID, "domain": ".instagram.com"},
                {"name": "csrftoken", "value": "tok", "domain": ".instagram.com"},
                {"name": "tracker", "value": "x", "domain": ".example.com"}]),
])
def test_every_accepted_form_gives_the_sessionid(text):
    assert parse_session_input(text)["sessionid"] == SESSIONID


@pytest.mark.parametrize("text, reason", [
    ("", "Paste"),
    ("{not json", "not valid JSON"),
    (json.dumps({"csrftoken": "tok"}), "No valid"),
    ("\x80\x04\x95pickle-bytes", "No valid"),
    ("x" * 70_000, "too large"),
])
def test_unusable_input_is_refused_without_echoing_it(text, reason):
    with pytest.raises(InvalidSession, match=reason) as caught:
        parse_session_input(text)
    assert SESSIONID not in str(caught.value)


def test_a_saved_session_is_owner_only_and_can_be_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "cfg" / "session.json"))
    path = save_session({"sessionid": SESSIONID})
    assert path == session_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_session() == {"sessionid": SESSIONID}
    assert delete_session() and load_session() is None


def test_a_session_instagram_refuses_is_reported_invalid(store_env):
    with pytest.raises(InvalidSession, match="did not accept"):
        check_session({"sessionid": SESSIONID})


def test_a_cookie_export_keeps_no_cookie_of_a_look_alike_host():
    export = json.dumps([{"name": "sessionid", "value": SESSIONID, "domain": ".instagram.com"},
                         {"name": "csrftoken", "value": "lookalike", "domain": ".notinstagram.com"},
                         {"name": "ds_user_id", "value": "suffix", "domain": "instagram.com.evil.test"}])
    assert parse_session_input(export) == {"sessionid": SESSIONID}
