"""Topics kept per analysis (core.storage.topics): computed when the analysis completes, reused while its reels are
unchanged, recomputed when they change, deleted with the analysis."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select, update

from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from core.storage.models import Analysis, AnalysisTopics
from core.storage.topics import stored_topics


def _analyse(db, username: str) -> str:
    [analysis_id] = create_analyses([username], db=db)
    [state] = wait_for([analysis_id], db=db, timeout=120)
    assert state.status == "completed", state.error
    return analysis_id


def _row(db, analysis_id: str) -> AnalysisTopics | None:
    with db.session() as session:
        return session.get(AnalysisTopics, analysis_id)


def _stored_by_the_job(db, analysis_id: str) -> AnalysisTopics | None:
    """The row the job stores right after marking the analysis completed (wait_for returns at that mark)."""
    deadline = time.monotonic() + 30
    while (row := _row(db, analysis_id)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return row


def test_topics_are_stored_when_an_analysis_completes_and_reused(store_env):
    analysis_id = _analyse(store_env, "demo_topics")
    row = _stored_by_the_job(store_env, analysis_id)
    assert row is not None and len(row.topics) == 4
    again = stored_topics(store_env, analysis_id)
    assert [t.label for t in again.topics] == [t["label"] for t in row.topics]
    assert _row(store_env, analysis_id).computed_at == row.computed_at


def test_topics_are_recomputed_when_the_analysis_changed(store_env):
    analysis_id = _analyse(store_env, "demo_topics")
    before = _stored_by_the_job(store_env, analysis_id)
    with store_env.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == analysis_id)
                        .values(updated_at=before.computed_at + timedelta(seconds=5)))
    stored_topics(store_env, analysis_id)
    after = _row(store_env, analysis_id)
    assert after.stamp != before.stamp and after.topics == before.topics


def test_deleting_an_analysis_deletes_its_topics(store_env):
    analysis_id = _analyse(store_env, "few_posts")
    assert _stored_by_the_job(store_env, analysis_id) is not None
    assert store.delete_analysis(store_env, analysis_id)
    with store_env.session() as session:
        assert session.scalar(select(func.count()).select_from(AnalysisTopics)) == 0


def test_an_unknown_analysis_has_no_topics(store_env):
    assert stored_topics(store_env, "no-such-analysis").topics == ()
