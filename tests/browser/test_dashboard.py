"""The dashboard in a real browser: analyse a demo profile, watch it complete, open its results."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TIMEOUT_MS, screenshot, wait_idle

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _analyse(page, app_url: str, usernames: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("textbox", name="Instagram usernames").fill(usernames)
    page.get_by_role("button", name="Analyse reels").click()


def test_analysing_a_demo_profile_reaches_completed_and_shows_results(page, app_url):
    _analyse(page, app_url, "demo_creator")
    page.get_by_text("Demo mode — demo data from the built-in emulator").first.wait_for()
    link = page.get_by_role("link", name=re.compile("Open results"))
    link.first.wait_for(timeout=90_000)
    assert page.get_by_text(re.compile(r"100% · Completed")).count() >= 1
    screenshot(page, "dashboard")

    link.first.click()
    page.wait_for_url(re.compile(r"/Results\?analysis="))
    wait_idle(page)
    page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert page.get_by_text("@demo_creator").count() >= 1
    screenshot(page, "results")
