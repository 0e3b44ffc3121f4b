"""Every page through Streamlit's AppTest, on an empty store and on one seeded by the real scraper."""

from __future__ import annotations

import pytest

from core import store
from tests.pages.conftest import PAGES, open_page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_on_an_empty_store(empty_store, page):
    at = open_page(page)
    assert not at.exception, at.exception


def test_submitting_an_invalid_name_shows_an_error_and_creates_nothing(empty_store):
    at = open_page("streamlit_app.py")
    at.text_area[0].input("good_name\nbad!name, a..b")
    at.button[0].click().run()
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # shown through escaped markdown
    assert "bad!name" in errors and "may contain only letters" in errors
    assert "a..b" in errors and "may not contain '..'" in errors
    assert "good_name" not in errors
    assert store.list_states(empty_store) == []


def test_submitting_a_demo_name_creates_a_pending_analysis(empty_store):
    at = open_page("streamlit_app.py")
    at.text_area[0].input("@Demo_Creator")
    at.button[0].click().run()
    assert not at.exception and not at.error
    states = store.list_states(empty_store)
    assert [s.username for s in states] == ["demo_creator"]
    assert states[0].status in {"pending", "processing", "completed"}


def _completed(db, username):
    return next(s for s in store.list_states(db, username=username) if s.status == "completed")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_on_a_seeded_store(seeded_store, page):
    at = open_page(page)
    assert not at.exception, at.exception


def test_results_shows_the_reels_table_with_one_row_per_stored_reel(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == analysis.reels_stored > 0
    assert {"thumbnail_url", "url", "caption", "engagement_rate", "plays_tier"} <= set(table.columns)
    assert [m.label for m in at.metric][:3] == ["Reels analysed", "Median plays", "Median engagement rate"]
    assert at.metric[0].value == str(analysis.reels_stored)


def test_results_for_an_unfinished_or_unknown_analysis_says_so(seeded_store):
    at = open_page("pages/1_Results.py", {"analysis": "no-such-id"})
    assert not at.exception
    assert "no longer exists" in at.warning[0].value
