"""The Topics tab in a real browser: analyse demo_topics in demo mode, open its Topics tab, see its charts."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TIMEOUT_MS, screenshot, wait_idle

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_topics_tab_draws_the_ranked_topics_and_the_monthly_mix(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("textbox", name="Instagram usernames").fill("demo_topics")
    page.get_by_role("button", name="Analyse reels").click()
    page.get_by_role("link", name=re.compile("Open results")).first.wait_for(timeout=90_000)
    page.get_by_role("link", name=re.compile("Open results")).first.click()
    page.wait_for_url(re.compile(r"/Results\?analysis="))
    wait_idle(page)
    page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="Topics").click()
    wait_idle(page)
    page.get_by_text(re.compile(r"\d topics found from caption words and hashtags")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Topic mix over time").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text(re.compile("Topics by (median plays|median engagement rate)")).count() >= 1
    assert page.get_by_text(re.compile(r"· n = \d+")).count() >= 2  # sample sizes on the bars
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "topics-tab")
