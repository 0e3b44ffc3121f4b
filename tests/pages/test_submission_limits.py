"""The landing page's abuse limit and reuse of recent analyses."""

from __future__ import annotations

from core.jobs.submission import wait_for
from core.jobs.submission_limits import submission_wait_seconds
from core.storage import analyses as store
from tests.pages.conftest import open_page


def test_the_window_allows_up_to_the_limit_then_says_how_long_to_wait():
    assert submission_wait_seconds([], now=100.0, limit=2, window_seconds=60) == 0.0
    assert submission_wait_seconds([50.0], now=100.0, limit=2, window_seconds=60) == 0.0
    assert submission_wait_seconds([50.0, 90.0], now=100.0, limit=2, window_seconds=60) == 10.0
    assert submission_wait_seconds([30.0, 90.0], now=100.0, limit=2, window_seconds=60) == 0.0


def test_too_many_submissions_from_one_browser_session_are_refused(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_SUBMISSIONS_PER_MINUTE", "2")
    at = open_page("streamlit_app.py")
    for name in ("few_posts", "empty_profile", "demo_food"):
        at.text_area[0].input(name)
        at.button[0].click().run()
    assert any("Too many submissions" in w.value for w in at.warning)
    assert sorted(s.username for s in store.list_states(empty_store)) == ["empty_profile", "few_posts"]


def test_a_profile_analysed_recently_is_answered_from_the_store_with_a_refresh_offer(empty_store):
    at = open_page("streamlit_app.py")
    at.text_area[0].input("few_posts")
    at.button[0].click().run()
    wait_for([s.analysis_id for s in store.list_states(empty_store)], db=empty_store, timeout=60)
    at.text_area[0].input("@few_posts")
    at.button[0].click().run()
    assert len(store.list_states(empty_store)) == 1
    assert any("Cached from" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Refresh").click().run()
    assert len(store.list_states(empty_store)) == 2


def test_results_offers_the_export_download_and_history_lists_exports(seeded_store):
    from core.exports.documents import open_export
    from core.exports.history import record_export

    completed = [s for s in store.list_states(seeded_store) if s.status == "completed"]
    at = open_page("pages/1_Results.py", {"analysis": completed[0].analysis_id})
    assert not at.exception
    assert not at.get("download_button"), "the closed Download expander is loaded on demand"
    at.session_state[f"download-{completed[0].analysis_id}"] = True  # open it
    at.run()
    assert at.get("download_button"), "no download button on Results"
    stream = open_export(seeded_store, completed[0].analysis_id)
    stream.read_all()
    record_export(seeded_store, stream)
    history = open_page("pages/3_History.py")
    assert not history.exception
    assert any(stream.filename in str(df.value.to_dict()) for df in history.dataframe)
