"""Results of a running analysis in a real browser: the reels so far, then the final figures on their own."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from core.storage.analyses import list_states
from core.storage.engine import Database
from emulator import EmulatorServer
from tests.browser.conftest import ROOT, TIMEOUT_MS, screenshot, serve_dashboard

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LATENCY_MS = 250  # every emulator answer is this slow: an anonymous analysis of demo_creator takes over 15 s


@pytest.fixture
def slow_emulator():
    server = EmulatorServer(port=0, latency_ms=LATENCY_MS)
    server.start()
    yield server
    server.stop()


def test_results_show_the_reels_so_far_while_running_and_the_final_figures_after(page, tmp_path, slow_emulator):
    database_url = f"sqlite:///{tmp_path / 'reelscope.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "INSTAGRAM_BASE_URL": slow_emulator.url,
           "REELSCOPE_RATE_LIMIT_SCALE": "0", "PYTHONPATH": str(ROOT), "REELSCOPE_COLUMNS_DIR": str(tmp_path / "c")}
    env.pop("REELSCOPE_DEMO", None)
    db = Database(database_url)
    with serve_dashboard(env, tmp_path / "streamlit.log") as url:
        started = time.monotonic()
        worker = subprocess.Popen([sys.executable, "-m", "core", "analyze", "demo_creator", "--quiet"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                states = list_states(db, username="demo_creator")
                if states and states[0].reels_stored >= 12:
                    break
                time.sleep(0.1)
            else:
                pytest.fail("no page of reels was stored within a minute")
            analysis_id = states[0].analysis_id
            page.goto(f"{url}/Results?analysis={analysis_id}")
            page.get_by_text("reels so far").first.wait_for(timeout=TIMEOUT_MS)
            page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT_MS)
            banner = page.get_by_text("reels so far").first.inner_text()
            still = list_states(db, username="demo_creator")[0]
            screenshot(page, "results-while-running")
            assert still.status == "processing", "the analysis ended before the page showed it running"
            assert banner.startswith("Fetching: ") and " of up to 72 reels so far" in banner

            # The page reaches the final figures by itself: the banner goes, the tabs of a completed analysis come.
            page.get_by_role("tab", name="Reels table").wait_for(timeout=90_000)
            assert worker.wait(timeout=60) == 0
            assert page.get_by_text("reels so far").count() == 0
            page.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
            final = list_states(db, username="demo_creator")[0]
            assert (final.status, final.reels_stored) == ("completed", 60)
            assert time.monotonic() - started >= 15, "too fast to show a running analysis"
            page.get_by_text("Reels analysed").first.wait_for()
            screenshot(page, "results-after-completion")
        finally:
            if worker.poll() is None:
                worker.kill()
    db.dispose()
