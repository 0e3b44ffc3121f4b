"""The real sign-in flow in headless Chromium: `streamlit run` with an ``[auth]`` section pointing at a real OpenID
Connect provider (the ``oidc-provider-mock`` package, started here), Streamlit's own st.login / st.logout."""

from __future__ import annotations

import os
import time

import pytest

from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from tests.browser.conftest import ROOT, TIMEOUT_MS, _free_port, screenshot, serve_dashboard, wait_idle
from tests.browser.oidc import running_oidc_provider, sign_in, write_auth_secrets
from tests.conftest import demo_session, point_at

pytest.importorskip("oidc_provider_mock")
pytest.importorskip("authlib")
pytestmark = [pytest.mark.slow, pytest.mark.browser]

ADMIN, ANALYST, STRANGER = "boss@team.example", "ana@team.example", "eve@elsewhere.example"


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    with running_oidc_provider(tmp_path_factory.mktemp("oidc") / "oidc.log") as issuer:
        yield issuer


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory, oidc_provider, emulator_server):
    """The dashboard with sign-in configured (a secrets file with [auth]), on a store holding one completed
    analysis of demo_creator; yields (url, database, analysis id)."""
    data = tmp_path_factory.mktemp("signin-app")
    url = f"sqlite:///{data / 'reelscope.db'}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        db = point_at(monkeypatch, url, emulator_server.url)
        with demo_session():
            [analysis] = wait_for(create_analyses(["demo_creator"], db=db, requested_by="nightly-token"), db=db,
                                  timeout=120)
    assert analysis.status == "completed", analysis.error
    port = _free_port()
    secrets = write_auth_secrets(data / "secrets.toml", oidc_provider, port)
    env = {**os.environ, "DATABASE_URL": url, "INSTAGRAM_BASE_URL": emulator_server.url, "PYTHONPATH": str(ROOT),
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_SESSION_FILE": str(data / "session.json"),
           "REELSCOPE_ALLOWED_DOMAINS": "team.example", "REELSCOPE_ADMIN_EMAILS": ADMIN,
           "REELSCOPE_WATCH_POLL_SECONDS": "0"}
    env.pop("REELSCOPE_DEMO", None)
    with serve_dashboard(env, data / "streamlit.log", port=port, extra_args=("--secrets.files", str(secrets))) as app:
        yield app, db, analysis.analysis_id


def body(page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


def assert_no_data(page) -> None:
    text = body(page)
    assert "demo_creator" not in text and "nightly-token" not in text
    assert page.locator('[data-testid="stDataFrame"], .js-plotly-plot, [data-testid="stMetric"]').count() == 0


def test_not_signed_in_every_page_shows_the_sign_in_screen_and_no_data(page, signin_app):
    app, _, analysis_id = signin_app
    for path in ("", "/Results?analysis=" + analysis_id, "/History", "/Compare", "/Watchlist", "/Instagram_login"):
        page.goto(app + path)
        wait_idle(page)
        page.get_by_text("Sign in to continue").wait_for()
        assert_no_data(page)
    screenshot(page, "signin-required")


def test_an_allowed_analyst_signs_in_sees_the_dashboard_but_no_session_controls_or_delete(page, signin_app):
    app, _, analysis_id = signin_app
    sign_in(page, app, ANALYST)
    page.get_by_text(f"Signed in as {ANALYST} · analyst").wait_for()
    page.goto(f"{app}/Results?analysis={analysis_id}")
    wait_idle(page)
    page.locator(".main-svg").first.wait_for()
    assert "demo_creator" in body(page)
    page.goto(f"{app}/History")
    wait_idle(page)
    page.get_by_text("requested by nightly-token").wait_for()
    assert page.get_by_role("button", name="Delete…").count() == 0
    page.goto(f"{app}/Instagram_login")
    wait_idle(page)
    page.get_by_text("Only an admin may change or remove the Instagram session").wait_for()
    assert page.get_by_role("button", name="Check and save").count() == 0
    screenshot(page, "signin-analyst")
    page.get_by_role("button", name="Sign out").click()
    # Streamlit drops its identity cookie and ends the session at the provider (RP-initiated logout), whose page
    # confirms and sends the browser back to the dashboard
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app}/**", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text("Sign in to continue").wait_for()
    assert_no_data(page)
    page.goto(f"{app}/History")
    wait_idle(page)
    page.get_by_text("Sign in to continue").wait_for()
    assert_no_data(page)


def test_an_admin_gets_the_session_controls_and_delete(page, signin_app):
    app, _, _ = signin_app
    sign_in(page, app, ADMIN)
    page.get_by_text(f"Signed in as {ADMIN} · admin").wait_for()
    page.goto(f"{app}/History")
    wait_idle(page)
    page.get_by_role("button", name="Delete…").wait_for()
    page.goto(f"{app}/Instagram_login")
    wait_idle(page)
    page.get_by_role("button", name="Check and save").wait_for()
    screenshot(page, "signin-admin")


def test_an_address_that_is_not_allowed_gets_the_refusal_and_no_data(page, signin_app):
    app, _, analysis_id = signin_app
    sign_in(page, app, STRANGER)
    page.get_by_text("which may not use this ReelScope").wait_for()
    assert_no_data(page)
    page.goto(f"{app}/Results?analysis={analysis_id}")
    wait_idle(page)
    page.get_by_text("which may not use this ReelScope").wait_for()
    assert_no_data(page)
    screenshot(page, "signin-refused")


def test_analyses_started_after_sign_in_record_who_asked(page, signin_app):
    app, db, _ = signin_app
    sign_in(page, app, ANALYST)
    page.get_by_role("textbox", name="Instagram usernames").fill("few_posts")
    page.get_by_role("button", name="Analyse reels").click()
    wait_idle(page)
    deadline = time.monotonic() + 30
    while not [s for s in store.list_states(db) if s.username == "few_posts"] and time.monotonic() < deadline:
        time.sleep(0.3)
    assert {s.requested_by for s in store.list_states(db) if s.username == "few_posts"} == {ANALYST}
