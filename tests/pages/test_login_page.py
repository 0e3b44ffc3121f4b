"""The Instagram login page through AppTest: the browser import (only when served locally) and the session status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit import config

from tests.instagram.login.firefox_profile import write_default_firefox_profile
from tests.pages.conftest import open_page
from ui.login import why_browser_import_is_hidden

PAGE = "pages/5_Instagram_login.py"
IMPORT = "Import from my browser"
LOGIN_ROWS = [(".instagram.com", "sessionid", "reelscope-demo-session"), (".instagram.com", "csrftoken", "tok"),
              (".example.com", "sessionid", "unrelated")]


@pytest.fixture
def login_page_env(empty_store, tmp_path, monkeypatch):
    """The page on an empty store, with its own session file and HOME (where the browser profiles are)."""
    session = tmp_path / "config" / "session.json"
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(session))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return session


@pytest.fixture
def served_on():
    """Set Streamlit's server.address for the test (what `streamlit run --server.address …` sets)."""
    previous = config.get_option("server.address")
    yield lambda address: config.set_option("server.address", address)
    config.set_option("server.address", previous)


def _texts(at, kind: str) -> str:
    return " ".join(element.value for element in getattr(at, kind)).replace("\\", "")


def _buttons(at) -> list[str]:
    return [button.label for button in at.button]


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_the_browser_import_is_offered_when_the_server_is_bound_to_loopback(login_page_env, served_on, address):
    served_on(address)
    at = open_page(PAGE)
    assert not at.exception, at.exception
    assert IMPORT in _buttons(at)
    assert [box.label for box in at.selectbox] == ["Browser"]
    assert {"Firefox", "Chrome", "Edge", "Brave", "Safari", "LibreWolf", "Opera GX"} <= set(at.selectbox[0].options)


@pytest.mark.parametrize("address", [None, "0.0.0.0", "192.168.1.20"])
def test_the_browser_import_is_hidden_and_explained_when_other_machines_can_connect(login_page_env, served_on,
                                                                                     address):
    served_on(address)
    at = open_page(PAGE)
    assert not at.exception, at.exception
    assert IMPORT not in _buttons(at)
    assert "would be a browser on the server, not yours" in _texts(at, "info")


def test_importing_the_default_firefox_profile_logs_in_and_says_as_whom(login_page_env, served_on, tmp_path):
    served_on("127.0.0.1")
    write_default_firefox_profile(tmp_path / "home", LOGIN_ROWS)
    at = open_page(PAGE)
    next(b for b in at.button if b.label == IMPORT).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Logged in as demo_viewer; the session is stored" in _texts(at, "success")
    assert "Logged in as demo_viewer: analyses use this session" in _texts(at, "success")
    assert json.loads(login_page_env.read_text()) == {"sessionid": "reelscope-demo-session", "csrftoken": "tok"}


def test_a_browser_without_an_instagram_login_shows_why_and_stores_nothing(login_page_env, served_on, tmp_path):
    served_on("127.0.0.1")
    write_default_firefox_profile(tmp_path / "home", [(".example.com", "sessionid", "unrelated")])
    at = open_page(PAGE)
    next(b for b in at.button if b.label == IMPORT).click().run()
    assert "firefox has no instagram.com cookies" in _texts(at, "error")
    assert not login_page_env.exists()


def _store(session: Path, sessionid: str) -> None:
    session.parent.mkdir(parents=True, exist_ok=True)
    session.write_text(json.dumps({"sessionid": sessionid}))


def test_without_a_session_the_page_says_analyses_run_anonymously(login_page_env):
    at = open_page(PAGE)
    assert "No Instagram session is stored" in _texts(at, "info")
    assert "Remove the stored session" not in _buttons(at)


def test_a_working_session_shows_whom_it_logs_in_as(login_page_env):
    _store(login_page_env, "reelscope-demo-session")
    at = open_page(PAGE)
    assert "Logged in as demo_viewer: analyses use this session" in _texts(at, "success")


def test_an_expired_session_is_detected_with_how_to_fix_it(login_page_env):
    _store(login_page_env, "reelscope-expired-session")
    at = open_page(PAGE)
    errors = _texts(at, "error")
    assert "Your Instagram session expired" in errors and "Import from my browser" in errors
    assert "reelscope-expired-session" not in errors


def test_removing_the_session_deletes_the_file_and_says_so(login_page_env):
    _store(login_page_env, "reelscope-demo-session")
    at = open_page(PAGE)
    next(b for b in at.button if b.label == "Remove the stored session").click().run()
    assert not login_page_env.exists()
    assert "analyses now run anonymously" in _texts(at, "success")
    assert "No Instagram session is stored" in _texts(at, "info")


@pytest.mark.parametrize("address, headers, hidden", [
    ("127.0.0.1", {}, None),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, "through a proxy"),
    ("localhost", {"forwarded": "for=203.0.113.9"}, "through a proxy"),
    (None, {}, "every address"),
    ("0.0.0.0", {}, "other machines"),
])
def test_the_import_is_hidden_unless_the_server_is_loopback_only_and_unproxied(address, headers, hidden):
    reason = why_browser_import_is_hidden(address, headers)
    assert reason is None if hidden is None else hidden in reason


def test_a_status_checked_against_another_origin_says_so(login_page_env):
    _store(login_page_env, "reelscope-demo-session")
    at = open_page(PAGE)
    assert "not instagram.com" in " ".join(c.value for c in at.caption)
