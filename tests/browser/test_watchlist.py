"""The Watchlist page in a real browser: a watch added there is analysed by the dashboard process itself."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import TIMEOUT_MS, screenshot, wait_idle

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_a_watch_added_on_the_page_is_analysed_by_the_running_dashboard(page, app_url):
    page.goto(f"{app_url}/Watchlist")
    wait_idle(page)
    page.get_by_role("textbox", name="Usernames to watch").fill("few_posts")
    page.get_by_role("button", name="Watch", exact=True).click()
    wait_idle(page)
    done = page.get_by_text("1 completed snapshot of @few_posts so far")
    deadline = time.monotonic() + 90
    while not done.count():  # the growth section appears once the watch's first analysis has completed
        assert time.monotonic() < deadline, "the dashboard never ran the due watch"
        time.sleep(1)
        page.reload()
        wait_idle(page)
    page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "watchlist")
