"""Two people signed in at once (two browser contexts) keep their own demo access, time zone and filters: one
person's choice never changes the other's, nor the analyses the other starts."""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.storage import analyses as store
from core.storage.engine import get_database
from tests.browser.conftest import ROOT, TIMEOUT_MS, _free_port, screenshot, serve_dashboard, wait_idle
from tests.browser.oidc import running_oidc_provider, sign_in, write_auth_secrets

pytest.importorskip("oidc_provider_mock")
pytestmark = [pytest.mark.slow, pytest.mark.browser]

ANA, BOB = "ana@team.example", "bob@team.example"
ANONYMOUS_LABEL = "Anonymous (no plays, as Instagram answers)"
SESSION_LABEL = "Built-in demo session (with plays)"


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The dashboard in demo mode with sign-in configured; yields (url, database)."""
    data = tmp_path_factory.mktemp("per-person")
    port = _free_port()
    url = f"sqlite:///{data / 'reelscope.db'}"
    with running_oidc_provider(data / "oidc.log") as issuer:
        secrets = write_auth_secrets(data / "secrets.toml", issuer, port)
        env = {**os.environ, "REELSCOPE_DEMO": "1", "DATABASE_URL": url, "PYTHONPATH": str(ROOT),
               "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_ALLOWED_DOMAINS": "team.example",
               "REELSCOPE_WATCH_POLL_SECONDS": "0", "REELSCOPE_REUSE_MINUTES": "60"}
        env.pop("INSTAGRAM_BASE_URL", None)
        with serve_dashboard(env, data / "streamlit.log", port=port,
                             extra_args=("--secrets.files", str(secrets))) as app:
            yield app, get_database(url)


def _submit(page, username: str) -> None:
    page.get_by_role("textbox", name="Instagram usernames").fill(username)
    page.get_by_role("button", name="Analyse reels").click()
    wait_idle(page)


def _analyses(db, username: str, requested_by: str, count: int = 1):
    deadline = time.monotonic() + 90
    while True:
        states = [s for s in store.list_states(db, username=username) if s.requested_by == requested_by]
        if len(states) >= count and all(s.status == "completed" for s in states) or time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    box = page.get_by_role("combobox", name=label)
    for attempt in range(3):  # a rerun finishing just then can re-render the box and close its list
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    wait_idle(page)


def _time_zone(page) -> str:
    return page.get_by_role("combobox", name="Time zone").input_value()


def test_two_people_keep_their_own_demo_access_time_zone_and_filters(browser, demo_app):
    app, db = demo_app
    ana = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    bob = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    for page in (ana, bob):
        page.set_default_timeout(TIMEOUT_MS)
    try:
        sign_in(ana, app, ANA)
        sign_in(bob, app, BOB)
        ana.get_by_text(ANONYMOUS_LABEL).click()
        wait_idle(ana)
        bob.reload()
        wait_idle(bob)
        assert bob.get_by_role("radio", name=SESSION_LABEL).is_checked()  # Ana's choice is hers alone
        _submit(ana, "demo_food")
        _submit(bob, "demo_food")  # Bob asks for the demo session: Ana's recent anonymous answer is not reused
        [anas] = _analyses(db, "demo_food", ANA)
        [bobs] = _analyses(db, "demo_food", BOB)
        assert (anas.requested_access, anas.access, anas.status) == ("anonymous", "anonymous", "completed")
        assert (bobs.requested_access, bobs.access, bobs.status) == (None, "logged in as @demo_viewer", "completed")
        assert anas.analysis_id != bobs.analysis_id

        for page in (ana, bob):
            page.goto(f"{app}/Results?analysis={bobs.analysis_id}")
            wait_idle(page)
            page.locator(".main-svg").first.wait_for()
        ana.get_by_text("Filters: apply to every chart and the table").click()
        wait_idle(ana)
        ana.get_by_role("textbox", name="Caption contains").fill("no caption says this")
        ana.get_by_role("textbox", name="Caption contains").press("Enter")
        wait_idle(ana)
        ana.get_by_text("Showing 0 of").wait_for()
        ana.get_by_role("tab", name="Posting times").click()
        wait_idle(ana)
        _choose(ana, "Time zone", "Europe/Paris")
        assert _time_zone(ana) == "Europe/Paris"

        bob.get_by_role("tab", name="Posting times").click()
        wait_idle(bob)
        assert _time_zone(bob) == "UTC"
        assert bob.get_by_text("Showing 0 of").count() == 0
        _choose(bob, "Time zone", "Asia/Tokyo")
        assert _time_zone(bob) == "Asia/Tokyo"

        ana.get_by_text("Plays on a log scale").click()  # any rerun of Ana's page
        wait_idle(ana)
        assert _time_zone(ana) == "Europe/Paris"
        ana.get_by_text("Showing 0 of").wait_for()
        screenshot(ana, "per-person-ana")
        screenshot(bob, "per-person-bob")
    finally:
        ana.context.close()
        bob.context.close()
