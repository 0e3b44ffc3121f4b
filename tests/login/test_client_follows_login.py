"""After a login change the process-wide scraper client picks up the new session (or goes anonymous)."""

from __future__ import annotations

import pytest

from core.login import LoginFailed, log_in_with_cookies, log_out
from core.scraper import get_client, reset_client


@pytest.fixture
def fresh_client(store_env, tmp_path, monkeypatch):
    """A client built from scratch, with a session file of this test's own."""
    monkeypatch.setenv("REELSCOPE_SESSION_FILE", str(tmp_path / "session.json"))
    reset_client()
    yield
    reset_client()


def test_the_next_analysis_runs_logged_in_after_a_login_and_anonymous_after_logout(fresh_client):
    assert get_client().context.username is None
    assert log_in_with_cookies({"sessionid": "reelscope-demo-session"}) == "demo_viewer"
    assert get_client().context.username == "demo_viewer"
    assert log_out() is True
    assert get_client().context.username is None


def test_a_refused_login_keeps_the_current_client_and_stores_nothing(fresh_client):
    assert log_in_with_cookies({"sessionid": "reelscope-demo-session"}) == "demo_viewer"
    client = get_client()
    with pytest.raises(LoginFailed, match="Nothing was stored"):
        log_in_with_cookies({"sessionid": "reelscope-expired-session"})
    assert get_client() is client and client.context.username == "demo_viewer"
