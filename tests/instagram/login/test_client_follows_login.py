"""After a login change the process-wide scraper client picks up the new session (or goes anonymous)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.instagram.login import LoginFailed, log_in_with_cookies, log_out
from core.instagram.scraper import get_client, reset_client

ROOT = Path(__file__).resolve().parents[3]


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


def test_a_login_and_logout_made_by_another_process_are_picked_up(fresh_client, tmp_path):
    """`python -m core login` in a terminal changes the session of an already running dashboard or worker."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the emulator and session file of this test (store_env)
    cookies = tmp_path / "cookies.json"
    cookies.write_text(json.dumps({"sessionid": "reelscope-demo-session"}))
    assert get_client().context.username is None
    subprocess.run([sys.executable, "-m", "core", "login", "--cookies-file", str(cookies)], env=env, cwd=ROOT,
                   check=True, capture_output=True, timeout=120)
    assert get_client().context.username == "demo_viewer"
    subprocess.run([sys.executable, "-m", "core", "logout"], env=env, cwd=ROOT, check=True, capture_output=True,
                   timeout=120)
    assert get_client().context.username is None
