"""The Parquet copy of each completed analysis: written at completion, equal to the store, rebuilt when missing,
stale or corrupt, removed on delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import update

from core.instagram.reel_context import LIST_CONTEXT
from core.storage import analyses as store
from core.storage import columnar, queries, retention
from core.storage.models import Analysis
from tests.storage.conftest import ALPHA_REELS, completed


def _stored_frame(db, analysis_id) -> pd.DataFrame:
    return queries.load_reels_frame(db, analysis_id)


def _file_frame(path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


def assert_file_equals_store(db, analysis_id, path) -> None:
    stored = _stored_frame(db, analysis_id)
    cached = _file_frame(path)
    assert list(cached.columns) == list(columnar.COLUMNS)
    assert len(cached) == len(stored)
    for column in columnar.COLUMNS:
        expected, got = stored[column].tolist(), cached[column].tolist()
        if column in ("hashtags", "mentions", *LIST_CONTEXT):
            got = [None if v is None else list(v) for v in got]
        expected = [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in expected]
        got = [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in got]
        if column == "posted_at":
            expected = [pd.Timestamp(v) for v in expected]
            got = [pd.Timestamp(v) for v in got]
        assert got == expected, column


def test_a_completed_analysis_writes_its_file_equal_to_the_stored_rows(store_env, columns_dir):
    from core.jobs.pipeline import run_analysis
    from core.jobs.submission import create_analyses

    [analysis_id] = create_analyses(["demo_creator"], max_reels=15, db=store_env, start=False)
    assert run_analysis(analysis_id, db=store_env) == "completed"  # in this thread: the hook has run on return
    state = store.get_state(store_env, analysis_id)
    assert state.reels_stored > 0
    path = columns_dir / f"{state.analysis_id}.parquet"
    assert path.exists()  # written by the completion hook, before any reader asked
    assert_file_equals_store(store_env, state.analysis_id, path)
    meta = pq.read_schema(path).metadata
    assert meta[b"reelscope.reels"] == str(state.reels_stored).encode()


def test_a_cache_failure_never_fails_the_analysis(store_env, columns_dir, monkeypatch):
    from core.jobs.pipeline import run_analysis
    from core.jobs.submission import create_analyses

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(columnar, "write", broken)
    [analysis_id] = create_analyses(["demo_travel"], max_reels=5, db=store_env, start=False)
    assert run_analysis(analysis_id, db=store_env) == "completed"
    assert not (columns_dir / f"{analysis_id}.parquet").exists()


def test_a_missing_file_is_rebuilt_from_the_store(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    path = columns_dir / f"{analysis_id}.parquet"
    assert not path.exists()
    [analysis] = columnar.completed_analyses(tiny_store, [analysis_id])
    table = columnar.read(tiny_store, analysis)
    assert path.exists() and table.num_rows == len(ALPHA_REELS)
    assert_file_equals_store(tiny_store, analysis_id, path)


def test_a_stale_file_is_rebuilt_when_the_analysis_changed(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    assert columnar.write_completed(tiny_store, analysis_id)
    path = columns_dir / f"{analysis_id}.parquet"
    # The analysis completes again with other reels (what a retry does): a new updated_at and reel count.
    store.complete_with_reels(tiny_store, analysis_id, ALPHA_REELS[:2])
    [analysis] = columnar.completed_analyses(tiny_store, [analysis_id])
    assert columnar.read(tiny_store, analysis).num_rows == 2
    assert_file_equals_store(tiny_store, analysis_id, path)
    # Only updated_at moved (same count): still rebuilt, never trusted.
    later = datetime.now(UTC) + timedelta(minutes=5)
    with tiny_store.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == analysis_id).values(updated_at=later))
    [analysis] = columnar.completed_analyses(tiny_store, [analysis_id])
    columnar.read(tiny_store, analysis)
    assert pq.read_schema(path).metadata[b"reelscope.updated_at"] == analysis.stamp.encode()


@pytest.mark.parametrize("garbage", [b"", b"not parquet at all", b"PAR1" + b"\0" * 64 + b"PAR1"])
def test_a_corrupt_file_is_rebuilt_not_trusted(tiny_store, columns_dir, garbage):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    path = columns_dir / f"{analysis_id}.parquet"
    columns_dir.mkdir(parents=True, exist_ok=True)
    path.write_bytes(garbage)
    [analysis] = columnar.completed_analyses(tiny_store, [analysis_id])
    assert columnar.read(tiny_store, analysis, ["likes"]).column("likes").to_pylist() == [10, None, 30, 5]
    assert_file_equals_store(tiny_store, analysis_id, path)


def test_a_file_of_another_analysis_is_not_trusted(tiny_store, columns_dir):
    first = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    second = completed(tiny_store, "beta", 1000, ALPHA_REELS[:1])
    columnar.write_completed(tiny_store, first)
    (columns_dir / f"{first}.parquet").replace(columns_dir / f"{second}.parquet")
    [analysis] = columnar.completed_analyses(tiny_store, [second])
    assert columnar.read(tiny_store, analysis).num_rows == 1


def test_deleting_an_analysis_removes_its_file(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    columnar.write_completed(tiny_store, analysis_id)
    path = columns_dir / f"{analysis_id}.parquet"
    assert path.exists()
    assert store.delete_analysis(tiny_store, analysis_id)
    assert not path.exists()


def test_retention_removes_the_files_of_what_it_deletes(tiny_store, columns_dir):
    old = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    kept = completed(tiny_store, "beta", 1000, ALPHA_REELS[:1])
    for analysis_id in (old, kept):
        columnar.write_completed(tiny_store, analysis_id)
    assert retention.delete_username(tiny_store, "alpha") == 1
    assert not (columns_dir / f"{old}.parquet").exists()
    assert (columns_dir / f"{kept}.parquet").exists()
    long_after = datetime.now(UTC) + timedelta(days=400)
    assert retention.purge_older_than(tiny_store, timedelta(days=30), now=long_after) == 1
    assert not (columns_dir / f"{kept}.parquet").exists()


def test_prune_removes_files_of_analyses_that_are_gone(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    columnar.write_completed(tiny_store, analysis_id)
    columns_dir.joinpath("gone-analysis.parquet").write_bytes(b"x")
    assert columnar.prune(tiny_store) == 1
    assert [p.stem for p in columns_dir.glob("*.parquet")] == [analysis_id]


def test_odd_ids_never_become_paths(columns_dir):
    with pytest.raises(ValueError):
        columnar.path_for("../../etc/passwd")
    columnar.remove("../../etc/passwd")  # logged, not raised


def test_the_reels_frame_from_the_file_equals_the_stores(tiny_store, columns_dir):
    analysis_id = completed(tiny_store, "alpha", 1000, ALPHA_REELS)
    expected = queries.load_reels_frame(tiny_store, analysis_id)
    pd.testing.assert_frame_equal(columnar.reels_frame(tiny_store, analysis_id), expected)  # built from the store
    pd.testing.assert_frame_equal(columnar.reels_frame(tiny_store, analysis_id), expected)  # read from the file
    empty = completed(tiny_store, "nobody", 10, [])
    pd.testing.assert_frame_equal(columnar.reels_frame(tiny_store, empty), queries.load_reels_frame(tiny_store, empty))


def test_an_unfinished_analysis_has_no_reels_frame(tiny_store, columns_dir):
    [pending] = store.insert_analyses(tiny_store, ["later"], max_reels=None, owner=None)
    assert columnar.reels_frame(tiny_store, pending) is None
    assert not list(columns_dir.glob("*.parquet")) if columns_dir.exists() else True
