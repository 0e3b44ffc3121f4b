"""Take the screenshots of the README and the docs: a demo-mode dashboard on a throwaway store, driven by
headless Debian chromium through Playwright.

    python scripts/docs_screenshots.py            # rewrite docs/images/*.png (about a minute)

It analyses two demo profiles, then saves the home page, Results (Overview, and the reels table), Compare,
History, Watchlist, Health and the Instagram login page.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IMAGES = PROJECT_ROOT / "docs" / "images"
VIEWPORT = {"width": 1400, "height": 1250}
LONG_MS = 120_000

if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serve_dashboard, wait_idle  # noqa: E402


def _shoot(page, name: str) -> None:
    wait_idle(page)
    page.wait_for_timeout(800)  # let Plotly finish its transitions
    page.screenshot(path=str(IMAGES / f"{name}.png"))
    print(f"wrote docs/images/{name}.png")


def _analyse(page, url: str, usernames: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_role("textbox", name="Instagram usernames").fill(usernames)
    page.get_by_role("button", name="Analyse reels").click()
    page.get_by_role("link", name=re.compile("Open results")).first.wait_for(timeout=LONG_MS)
    page.wait_for_function(
        "() => document.querySelectorAll('a').length && !document.body.innerText.includes('Fetching')",
        timeout=LONG_MS)


def take_screenshots() -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder)
        env = {**os.environ, "REELSCOPE_DEMO": "1", "DATABASE_URL": f"sqlite:///{store / 'reelscope.db'}",
               "REELSCOPE_RATE_LIMIT_SCALE": "0", "PYTHONPATH": str(PROJECT_ROOT),
               "REELSCOPE_COLUMNS_DIR": str(store / "columns"), "REELSCOPE_EXPORT_DIR": str(store / "exports"),
               "REELSCOPE_LOG_FILE": "-"}
        env.pop("INSTAGRAM_BASE_URL", None)
        with serve_dashboard(env, store / "streamlit.log") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(60_000)
            _analyse(page, url, "demo_creator demo_food")
            _shoot(page, "home")
            page.get_by_role("link", name=re.compile("Open results")).first.click()
            page.wait_for_url(re.compile(r"/Results\?analysis="))
            page.locator(".main-svg").first.wait_for()
            _shoot(page, "results")
            page.get_by_role("tab", name="Reels table").click()
            page.locator('[data-testid="stDataFrame"]').first.wait_for()
            _shoot(page, "results-table")
            for page_path, name in (("Compare", "compare"), ("History", "history"), ("Watchlist", "watchlist"),
                                    ("Health", "health"), ("Instagram_login", "login")):
                page.goto(f"{url}/{page_path}")
                _shoot(page, name)
            browser.close()


if __name__ == "__main__":
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    take_screenshots()
