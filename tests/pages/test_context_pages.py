"""Per-reel context on the pages (AppTest): table columns, filters, the Context tab, Compare shares, Excel download."""

from __future__ import annotations

from api.results import load_enriched
from core.analytics.context import MIN_SAMPLE, context_figures, context_shares, sponsored_flags
from core.storage import analyses as store
from core.storage.queries import load_reels_frame
from tests.pages.conftest import open_filters, open_page, open_tab


def _completed(db, username):
    return next(s for s in store.list_states(db, username=username) if s.status == "completed")


def cache_free_enriched(db, analysis):
    return load_enriched(db, analysis)[0]


def test_results_table_has_context_columns_and_the_sponsored_filter_narrows_it(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": analysis.analysis_id}), analysis.analysis_id,
                  "Reels table")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert {"collaborators", "is_paid_partnership", "sponsors", "audio_type", "location_name"} <= set(table.columns)
    expected = int(sponsored_flags(load_reels_frame(seeded_store, analysis.analysis_id)).fillna(False).sum())
    open_filters(at, analysis.analysis_id)
    at.button_group(key=f"f-sponsored-{analysis.analysis_id}").set_value("Sponsored").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == expected > 0
    assert any("Showing" in c.value and "sponsored" in c.value for c in at.caption)


def test_the_context_tab_shows_each_figure_with_its_sample_or_why_not(seeded_store):
    analysis = _completed(seeded_store, "demo_creator")
    at = open_page("pages/1_Results.py", {"analysis": analysis.analysis_id})
    at.session_state[f"methodology-{analysis.analysis_id}"] = True  # the Methodology expander, opened
    at = open_tab(at, analysis.analysis_id, "Context")
    headings = [m.value for m in at.markdown if m.value.startswith("**") and "sample:" in m.value]
    assert [h.split("**")[1] for h in headings] == ["Sponsored vs organic", "Collab vs solo", "Top audio",
                                                     "Top locations", "Collaborators"]
    reels = cache_free_enriched(seeded_store, analysis)
    figures = {f.title: f for f in context_figures(reels)}
    frames = [d.value for d in at.dataframe]
    for title in ("Sponsored vs organic", "Top audio"):
        expected = figures[title].table
        assert expected is not None, title
        assert any(list(f.columns) == list(expected.columns) and f[expected.columns[0]].tolist()
                   == expected[expected.columns[0]].tolist() for f in frames), title
    assert any("Per-reel context" in m.value for m in at.markdown)  # methodology
    open_filters(at, analysis.analysis_id)
    at.selectbox(key=f"f-audio-{analysis.analysis_id}").select("licensed").run()
    assert not at.exception, at.exception
    if not any(f"needs at least {MIN_SAMPLE}" in i.value for i in at.info):
        raise AssertionError("a narrow selection should leave some figure below the minimum sample")


def test_compare_shows_sponsored_and_collab_shares(seeded_store):
    at = open_page("pages/2_Compare.py")
    assert not at.exception, at.exception
    shares = next(d.value for d in at.dataframe if "sponsored_share" in d.value.columns)
    for row in shares.itertuples():
        username = row.profile.lstrip("@")
        expected = context_shares(load_reels_frame(seeded_store, _completed(seeded_store, username).analysis_id))
        assert row.sponsored_sample == expected["sponsored_sample"]
        assert abs(row.sponsored_share - expected["sponsored_share"] * 100) < 1e-9
    assert any(e.value == "Sponsored and collab reels" for e in at.subheader)
