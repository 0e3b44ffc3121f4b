"""Pages on a store that cannot take writes (read-only here; disk full and unreachable are told the same way): they
show what is stored, and a write says why it failed in one sentence, never a traceback, and changes nothing."""

from __future__ import annotations

from core.storage import analyses as store
from core.storage.engine import get_database
from tests.pages.conftest import PAGES, open_page
from tests.reliability.test_read_only_and_full_store import read_only  # noqa: F401 - the fixture

READ_ONLY = "The database is read-only"


def test_every_page_shows_what_is_stored(read_only):  # noqa: F811
    for page in PAGES:
        at = open_page(page)
        assert not at.exception, (page, at.exception)


def test_submitting_on_a_read_only_store_says_why_and_stores_nothing(read_only):  # noqa: F811
    before = [s.analysis_id for s in store.list_states(get_database())]
    at = open_page("streamlit_app.py")
    at.text_area[0].input("demo_food")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert READ_ONLY in " ".join(e.value for e in at.error)
    assert [s.analysis_id for s in store.list_states(get_database())] == before


def test_adding_a_watch_on_a_read_only_store_says_why(read_only):  # noqa: F811
    at = open_page("pages/6_Watchlist.py")
    at.text_input[0].input("demo_food")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert READ_ONLY in " ".join(e.value for e in at.error)


def test_deleting_on_a_read_only_store_says_why_and_keeps_the_analysis(read_only):  # noqa: F811
    at = open_page("pages/3_History.py")
    next(b for b in at.button if b.label.startswith("Delete")).click().run()
    next(b for b in at.button if b.label == "Yes, delete").click().run()
    assert not at.exception, at.exception
    assert READ_ONLY in " ".join(e.value for e in at.error)
    assert store.get_state(get_database(), read_only) is not None


def test_a_download_on_a_read_only_store_still_gives_the_file(read_only):  # noqa: F811
    from datetime import UTC, datetime

    from ui.export_panel import _generate_and_record, export_options

    data = _generate_and_record(read_only, export_options("csv", [], None), datetime.now(UTC), "ana@example.org")
    assert b"shortcode" in data.splitlines()[0] and len(data.splitlines()) > 1  # the header and the reels
