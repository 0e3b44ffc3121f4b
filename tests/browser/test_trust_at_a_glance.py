"""Issue 13 in a real browser at 1400×1000: navigation, badges, charts, tables that fit, failed analyses, emoji.

Every test saves screenshots to test-artifacts/ (git-ignored) so a person can look at what an analyst sees.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, screenshot, wait_idle

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture
def wide(page):
    page.set_viewport_size(VIEWPORT)
    return page


def _analyse_and_wait(page, app_url: str, usernames: str, finished: int) -> None:
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("textbox", name="Instagram usernames").fill(usernames)
    page.get_by_role("button", name="Analyse reels").click()
    page.get_by_text(re.compile(r"100% · Completed|failed", re.I)).nth(finished - 1).wait_for(timeout=120_000)
    wait_idle(page)


def _open_results(page, app_url: str) -> None:
    page.goto(f"{app_url}/Results")
    wait_idle(page)
    page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)


def element_shot(locator, name: str) -> None:
    """A screenshot of one element (the app scrolls inside its own container, so a page shot shows the top)."""
    ARTIFACTS.mkdir(exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _grid_fits(page, table) -> bool:
    """True when the data grid needs no horizontal scrolling: no column is cut off."""
    return table.locator(".dvn-scroller").first.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_the_sidebar_starts_with_new_analysis_and_switches_pages(wide, app_url):
    wide.goto(app_url)
    wait_idle(wide)
    links = wide.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    assert links.first.inner_text().strip().endswith("New analysis")
    assert "streamlit app" not in wide.locator('[data-testid="stSidebar"]').inner_text().lower()
    links.filter(has_text="History").click()
    wide.wait_for_url(re.compile(r"/History"))
    wait_idle(wide)
    wide.get_by_role("heading", name="History").wait_for()
    links.filter(has_text="Compare").click()
    wide.wait_for_url(re.compile(r"/Compare"))
    wait_idle(wide)
    links.filter(has_text="New analysis").click()
    wide.get_by_role("textbox", name="Instagram usernames").wait_for()
    screenshot(wide, "i13-sidebar-new-analysis")


def test_recent_analyses_fit_the_width_and_failed_ones_offer_no_pointless_retry(wide, app_url):
    _analyse_and_wait(wide, app_url, "demo_creator private_account", finished=2)
    wide.get_by_text("This Instagram profile is private").first.wait_for()
    assert wide.get_by_role("button", name="Retry").count() == 0  # private: a retry cannot help
    assert wide.locator('[data-testid="stProgress"]').count() == 1  # the completed one only
    table = wide.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert _grid_fits(wide, table), "the Recent analyses table scrolls sideways: a column is cut"
    screenshot(wide, "i13-new-analysis-failed-and-recent")
    element_shot(table, "i13-new-analysis-recent-table")


def test_results_tabs_charts_and_badge(wide, app_url):
    _analyse_and_wait(wide, app_url, "demo_creator", finished=1)
    _open_results(wide, app_url)
    wide.get_by_text("demo data (emulator)").first.wait_for()
    assert wide.get_by_text("Plays (log scale)").count() >= 1
    assert wide.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"] > 900  # wide layout
    screenshot(wide, "i13-results-overview")
    element_shot(wide.locator('[data-testid="stTabs"]').first, "i13-results-overview-charts")
    wide.get_by_text("Plays on a log scale").click()
    wide.get_by_text("Plays (log scale)").first.wait_for(state="detached")  # the axis is linear now
    wait_idle(wide)
    wide.locator(".main-svg").first.wait_for()
    element_shot(wide.locator('[data-testid="stTabs"]').first, "i13-results-linear")
    for tab, name in (("Reels table", "table"), ("Hashtags & mentions", "hashtags"), ("Top performers", "top"),
                      ("Trends & duration", "trends"), ("Posting times", "heatmap")):
        wide.get_by_role("tab", name=tab).click()
        wait_idle(wide)
        if tab == "Reels table":
            table = wide.locator('[data-testid="stDataFrame"]').first
            table.wait_for()
        else:
            wide.locator('[data-testid="stTabs"] .main-svg').first.wait_for()
        element_shot(wide.locator('[data-testid="stTabs"]').first, f"i13-results-{name}")
    assert wide.get_by_text(re.compile("grey = fewer than 3 reels")).count() >= 1


def test_empty_states_are_not_clipped(wide, app_url):
    _analyse_and_wait(wide, app_url, "demo_creator", finished=1)
    _open_results(wide, app_url)
    wide.get_by_text("Filters: apply to every chart and the table").click()  # the filters load when opened
    wait_idle(wide)
    search = wide.get_by_role("textbox", name="Caption contains")
    search.fill("zzz-no-such-caption")
    search.press("Enter")
    wait_idle(wide)
    annotation = wide.locator(".main-svg .annotation-text").first
    annotation.wait_for()
    box, chart = annotation.bounding_box(), wide.locator(".main-svg").first.bounding_box()
    assert box["x"] >= chart["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"]
    element_shot(wide.locator('[data-testid="stTabs"]').first, "i13-results-empty-state")


def test_emoji_render_with_a_colour_font(wide, app_url):
    wide.goto(app_url)
    wait_idle(wide)
    has_font = wide.evaluate("() => document.fonts.check('16px \"Noto Color Emoji\"', '📌')")
    width = wide.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '32px sans-serif'; return c.measureText('📌').width; }""")
    assert has_font and width > 20  # a missing glyph draws as a narrow box or nothing


def test_history_and_compare_fit_at_1400px(wide, app_url):
    _analyse_and_wait(wide, app_url, "demo_travel demo_food", finished=2)
    wide.goto(f"{app_url}/History")
    wait_idle(wide)
    tables = wide.locator('[data-testid="stDataFrame"]')
    tables.first.wait_for()
    for i in range(tables.count()):
        tables.nth(i).scroll_into_view_if_needed()
        assert _grid_fits(wide, tables.nth(i)), f"History table {i} scrolls sideways"
    element_shot(tables.last, "i13-history-all-profiles")
    screenshot(wide, "i13-history")
    wide.goto(f"{app_url}/Compare")
    wait_idle(wide)
    wide.locator(".main-svg").nth(2).wait_for()
    assert wide.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"] > 900  # wide layout
    shared = wide.locator('[data-testid="stDataFrame"]').last
    shared.scroll_into_view_if_needed()
    assert _grid_fits(wide, shared)
    screenshot(wide, "i13-compare")
    element_shot(wide.locator(".main-svg").first.locator("xpath=ancestor::div[contains(@class, 'stPlotlyChart')]"),
                 "i13-compare-kpis")
    element_shot(shared, "i13-compare-shared-hashtags")
