"""Issue 13 through AppTest: honest labels (data source, KPI deltas, retry), readable tables, navigation."""

from __future__ import annotations

import json

from sqlalchemy import update

from core.domain.errors import NetworkError, ProfileNotFound
from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from core.storage.models import Analysis
from tests.pages.conftest import open_page, open_tab


def _two_snapshots(db, username="few_posts"):
    ids = []
    for _ in range(2):
        [state] = wait_for(create_analyses([username], db=db), db=db, timeout=60)
        assert state.status == "completed", state.error
        ids.append(state.analysis_id)
    return ids


def test_the_first_sidebar_entry_reads_new_analysis(empty_store):
    at = open_page("pages/3_History.py")
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert links[:3] == ["New analysis", "Results", "Compare"]


def test_results_badges_the_data_source(seeded_store):
    state = next(s for s in store.list_states(seeded_store) if s.status == "completed")
    at = open_page("pages/1_Results.py", {"analysis": state.analysis_id})
    assert any("demo data (emulator)" in m.value and "badge" in m.value for m in at.markdown)


def test_unchanged_kpis_are_neutral_and_the_comparison_date_is_said_once(empty_store):
    _, later = _two_snapshots(empty_store)
    at = open_page("pages/1_Results.py", {"analysis": later})
    assert not at.exception, at.exception
    reels = at.metric[0]
    assert reels.proto.delta == "no change"
    assert reels.proto.color == reels.proto.MetricColor.GRAY and reels.proto.direction == reels.proto.NONE
    assert not any(m.proto.delta.startswith(("-0", "+0", "↓")) for m in at.metric)
    assert sum("Changes are since this creator's previous analysis" in c.value for c in at.caption) == 1
    assert all(not m.proto.delta_description for m in at.metric)


def test_kpi_deltas_never_compare_two_data_sources(empty_store):
    earlier, later = _two_snapshots(empty_store)
    with empty_store.transaction() as session:  # the earlier snapshot came from live Instagram
        session.execute(update(Analysis).where(Analysis.id == earlier).values(data_source="instagram",
                                                                                is_demo=False))
    at = open_page("pages/1_Results.py", {"analysis": later})
    assert not any(m.proto.delta for m in at.metric)
    assert not any("Changes are since" in c.value for c in at.caption)


def test_failed_analyses_offer_retry_only_when_a_retry_can_help(empty_store):
    [missing, offline] = create_analyses(["gone_profile", "flaky_profile"], db=empty_store, start=False)
    store.mark_failed(empty_store, missing, ProfileNotFound())
    store.mark_failed(empty_store, offline, NetworkError())
    at = open_page("pages/3_History.py")
    table = at.dataframe[0].value
    assert "progress" not in table or table["progress"].isna().all()  # a failed analysis shows no progress bar
    rerun = next(b for b in at.button if b.label == "Re-run")
    chosen = at.selectbox[0]
    states = {s.analysis_id: s for s in store.list_states(empty_store)}
    assert rerun.disabled == (states[chosen.value].error_kind == "not_found")
    other = missing if chosen.value == offline else offline
    chosen.set_value(other).run()
    rerun = next(b for b in at.button if b.label == "Re-run")
    assert rerun.disabled == (other == missing)


def test_tables_use_thousands_separators_and_leave_withheld_counts_blank_with_a_reason(empty_store):
    [state] = wait_for(create_analyses(["hidden_likes"], db=empty_store), db=empty_store, timeout=60)
    at = open_tab(open_page("pages/1_Results.py", {"analysis": state.analysis_id}), state.analysis_id,
                  "Reels table")
    table = at.dataframe[0]
    assert table.value["likes"].isna().any()
    assert table.proto.placeholder == ""  # blank, never "None"
    config = json.loads(table.proto.columns)
    assert config["likes"]["type_config"]["format"] == "localized"
    assert "hidden by the creator" in config["likes"]["help"]
    assert "not shown to anonymous visitors" in config["effective_plays"]["help"]


def test_compare_names_the_hashtag_column_and_leaves_unused_tags_blank(seeded_store):
    at = open_page("pages/2_Compare.py")
    shared = next(df for df in at.dataframe if "hashtag" in df.value.columns)
    assert list(shared.value.columns)[:2] == ["hashtag", "profiles using it"]
    assert shared.value["hashtag"].str.startswith("#").all()
    assert shared.proto.placeholder == ""


def test_hashtag_pairs_have_readable_headers(seeded_store):
    state = next(s for s in store.list_states(seeded_store, username="demo_creator") if s.status == "completed")
    at = open_tab(open_page("pages/1_Results.py", {"analysis": state.analysis_id}), state.analysis_id,
                  "Hashtags & mentions")
    pairs = next(df for df in at.dataframe if "tag_a" in df.value.columns)
    labels = {name: spec.get("label") for name, spec in json.loads(pairs.proto.columns).items()}
    assert labels["tag_a"] == "hashtag" and labels["tag_b"] == "used with"
