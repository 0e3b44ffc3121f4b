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
    page.get_by_role("tab", name="Reels table").click()
    wait_idle(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert page.get_by_text("@demo_creator").count() >= 1
    screenshot(page, "results")


def test_a_tier_filter_narrows_the_results_table(page, app_url):
    _analyse(page, app_url, "demo_creator")
    page.get_by_role("link", name=re.compile("Open results")).first.wait_for(timeout=90_000)
    page.get_by_role("link", name=re.compile("Open results")).first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Reels table").click()
    wait_idle(page)
    total = page.get_by_text(re.compile(r"Reels 1-\d+ of \d+")).first
    total.wait_for()
    reels = int(re.search(r"of (\d+)", total.inner_text()).group(1))
    wait_idle(page)
    page.get_by_text("Filters: apply to every chart and the table").click()  # the filters load when opened
    wait_idle(page)
    tier_select = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Plays tier")
    for _ in range(3):  # a click landing during a rerun can be lost; the chip shows it took effect
        tier_select.locator("input").click()
        page.get_by_role("option", name="viral").click()
        page.keyboard.press("Escape")
        wait_idle(page)
        if tier_select.get_by_text("viral").count():
            break
    shown = page.get_by_text(re.compile(r"Showing \d+ of \d+ reels")).first
    shown.wait_for()
    narrowed = int(re.search(r"Showing (\d+)", shown.inner_text()).group(1))
    assert 0 < narrowed < reels
    wait_idle(page)
    page.get_by_role("tab", name="Overview").click()  # the charts of the narrowed reels
    wait_idle(page)
    page.locator(".main-svg").first.wait_for()
    screenshot(page, "results-filtered")


def test_compare_shows_two_profiles(page, app_url):
    _analyse(page, app_url, "demo_travel demo_food")
    page.get_by_role("link", name=re.compile("Open results")).nth(1).wait_for(timeout=120_000)
    page.goto(f"{app_url}/Compare")
    wait_idle(page)
    page.get_by_role("heading", name="Key figures").wait_for()
    page.locator(".main-svg").nth(2).wait_for()
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    screenshot(page, "compare")


def test_history_lists_the_analyses(page, app_url):
    page.goto(f"{app_url}/History")
    wait_idle(page)
    page.get_by_role("heading", name="History").wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    screenshot(page, "history")
