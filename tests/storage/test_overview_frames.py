"""The Overview frame of each completed analysis: prepared at completion, equal to what the metrics give, trusted only
while current, rebuilt otherwise, removed with the analysis."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pyarrow.parquet as pq
from sqlalchemy import update

from core.analytics.aggregates import profile_summary
from core.analytics.metrics import enrich_analysis
from core.analytics.overview_frame import OVERVIEW_COLUMNS, overview_frame
from core.storage import analyses as store
from core.storage import columnar, overview_frames, queries
from core.storage.models import Analysis
from tests.storage.conftest import ALPHA_REELS, completed
from ui import charts


def _expected(db, analysis_id) -> pd.DataFrame:
    state = store.get_state(db, analysis_id)
    reels = queries.load_reels_frame(db, analysis_id)
    enriched = enrich_analysis(reels, queries.load_profile(db, analysis_id), state.finished_at, state.updated_at)
    return overview_frame(enriched)


def test_a_completed_analysis_has_its_overview_frame_prepared_before_any_page_opens(store_env, columns_dir):
    from core.jobs.pipeline import run_analysis
    from core.jobs.submission import create_analyses

    [analysis_id] = create_analyses(["demo_creator"], max_reels=15, db=store_env, start=False)
    assert run_analysis(analysis_id, db=store_env) == "completed"
    path = columns_dir / f"{analysis_id}.overview.parquet"
    assert path.exists()
    assert pq.read_table(path).num_rows == store.get_state(store_env, analysis_id).reels_stored


def test_the_prepared_frame_equals_the_metrics_of_the_stored_reels(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    assert overview_frames.prepare_when_completed(tiny_store, analysis_id)
    frame, profile = overview_frames.load(tiny_store, analysis_id)  # read back from the file
    expected = _expected(tiny_store, analysis_id)
    pd.testing.assert_frame_equal(frame, expected)
    assert list(frame.columns) == [c for c in OVERVIEW_COLUMNS if c in expected.columns]
    assert profile == queries.load_profile(tiny_store, analysis_id)
    assert frame["caption"].tolist()[0] is None  # unknown text stays None, as the store gives it


def test_overview_figures_and_kpis_from_the_prepared_frame_equal_those_of_the_whole_analysis(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    overview_frames.prepare_when_completed(tiny_store, analysis_id)
    frame, profile = overview_frames.load(tiny_store, analysis_id)
    state = store.get_state(tiny_store, analysis_id)
    whole = enrich_analysis(queries.load_reels_frame(tiny_store, analysis_id), profile, state.finished_at,
                            state.updated_at)
    assert charts.plays_over_time(frame).to_json() == charts.plays_over_time(whole).to_json()
    for kind in ("plays", "engagement", "benchmark"):
        assert charts.tier_distribution(frame, kind=kind).to_json() == \
            charts.tier_distribution(whole, kind=kind).to_json()
    assert profile_summary(frame, profile) == profile_summary(whole, profile)


def test_a_stale_frame_is_rebuilt_and_never_used(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    overview_frames.prepare_when_completed(tiny_store, analysis_id)
    later = store.get_state(tiny_store, analysis_id).updated_at + timedelta(seconds=1)
    with tiny_store.session() as session, session.begin():  # the analysis changed since the file was written
        session.execute(update(Analysis).where(Analysis.id == analysis_id).values(updated_at=later))
    path = columns_dir / f"{analysis_id}.overview.parquet"
    before = path.stat().st_mtime_ns
    frame, _ = overview_frames.load(tiny_store, analysis_id)
    pd.testing.assert_frame_equal(frame, _expected(tiny_store, analysis_id))
    assert path.stat().st_mtime_ns != before  # written again, with the new stamp


def test_a_corrupt_frame_is_rebuilt(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    columns_dir.mkdir(parents=True, exist_ok=True)
    (columns_dir / f"{analysis_id}.overview.parquet").write_bytes(b"not parquet")
    frame, _ = overview_frames.load(tiny_store, analysis_id)
    assert len(frame) == len(ALPHA_REELS)


def test_an_analysis_not_completed_has_no_overview_frame(tiny_store, columns_dir):
    [analysis_id] = store.insert_analyses(tiny_store, ["pending_one"], max_reels=None, owner=None)
    assert overview_frames.load(tiny_store, analysis_id) is None
    assert not overview_frames.prepare_when_completed(tiny_store, analysis_id)


def test_deleting_an_analysis_removes_its_overview_frame_and_prune_keeps_those_of_live_ones(tiny_store, columns_dir):
    gone = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    kept = completed(tiny_store, "beta", 1000, ALPHA_REELS[:2])
    for analysis_id in (gone, kept):
        columnar.write_completed(tiny_store, analysis_id)
        overview_frames.prepare_when_completed(tiny_store, analysis_id)
    assert store.delete_analysis(tiny_store, gone)
    assert sorted(p.name for p in columns_dir.glob("*.parquet")) == [f"{kept}.overview.parquet", f"{kept}.parquet"]
    assert columnar.prune(tiny_store) == 0
    assert len(list(columns_dir.glob("*.parquet"))) == 2
