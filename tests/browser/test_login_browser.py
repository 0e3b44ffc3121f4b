"""The Instagram login page in a real browser: import a Firefox profile's session, see whom it logs in as, remove it."""

from __future__ import annotations

import os
import stat

import pytest

from tests.browser.conftest import ROOT, screenshot, serve_dashboard, wait_idle
from tests.instagram.login.firefox_profile import write_default_firefox_profile

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def login_app(tmp_path_factory, emulator_server):
    """`streamlit run` on 127.0.0.1 against the emulator, with a HOME holding a logged-in Firefox profile."""
    data = tmp_path_factory.mktemp("login-app")
    write_default_firefox_profile(data / "home", [(".instagram.com", "sessionid", "reelscope-demo-session"),
                                                  (".example.com", "sessionid", "unrelated")])
    session = data / "config" / "instagram-session.json"
    env = {**os.environ, "HOME": str(data / "home"), "REELSCOPE_SESSION_FILE": str(session),
           "INSTAGRAM_BASE_URL": emulator_server.url, "DATABASE_URL": f"sqlite:///{data / 'reelscope.db'}",
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "PYTHONPATH": str(ROOT)}
    env.pop("REELSCOPE_DEMO", None)
    with serve_dashboard(env, data / "streamlit.log") as url:
        yield url, session


def test_importing_from_the_browser_logs_in_and_removing_logs_out(page, login_app):
    url, session = login_app
    page.goto(f"{url}/Instagram_login")
    wait_idle(page)
    page.get_by_text("No Instagram session is stored").wait_for()
    page.get_by_role("button", name="Import from my browser").click()
    page.get_by_text("Logged in as demo_viewer: analyses use this session").wait_for()
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert "reelscope-demo-session" not in page.content()
    screenshot(page, "login-imported")

    page.get_by_role("button", name="Remove the stored session").click()
    page.get_by_text("No Instagram session is stored").wait_for()
    assert not session.exists()
