"""Fixtures for page tests: an emulator, an empty store, and a store seeded by the real scraper."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs.submission import create_analyses, wait_for
from tests.conftest import demo_session, point_at

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "streamlit_app.py"
PAGES = ["streamlit_app.py"] + sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))
SEEDED_PROFILES = ("demo_creator", "demo_travel")


@pytest.fixture(scope="session")
def pages_emulator(emulator_server):
    """The session's emulator (tests/conftest.py); page tests add no faults to it."""
    return emulator_server


@pytest.fixture
def empty_store(tmp_path, monkeypatch, pages_emulator):
    """A fresh, empty SQLite store; the scraper points at the emulator."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    return point_at(monkeypatch, url, pages_emulator.url)


@pytest.fixture(scope="session")
def _seeded_database_url(tmp_path_factory, pages_emulator) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'seeded.db'}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        db = point_at(monkeypatch, url, pages_emulator.url)
        with demo_session():  # logged in, so the charts have plays (test_access_notice covers anonymous)
            ids = create_analyses(list(SEEDED_PROFILES), db=db)
            states = wait_for(ids, db=db, timeout=120)
    assert [s.status for s in states] == ["completed"] * len(SEEDED_PROFILES), [(s.status, s.error) for s in states]
    return url


@pytest.fixture
def seeded_store(monkeypatch, pages_emulator, _seeded_database_url):
    """A store holding completed analyses of demo_creator and demo_travel, scraped from the emulator."""
    return point_at(monkeypatch, _seeded_database_url, pages_emulator.url)


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """Run the app and switch to ``page`` (pages are run through the main script, as Streamlit serves them)."""
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    if page != "streamlit_app.py":
        at.switch_page(page)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def open_filters(at, analysis_id: str):
    """Open the Results page's Filters expander (it loads on demand: closed, its widgets are not drawn)."""
    at.session_state[f"filters-{analysis_id}"] = True
    return at.run()


def open_tab(at, analysis_id: str, tab: str):
    """Switch the Results page's tabs (they load on demand: only the open one is rendered)."""
    at.session_state[f"detail-tabs-{analysis_id}"] = tab
    return at.run()
