"""Deleting on request: one analysis, a whole profile, or everything older than an age."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from core.cli.main import main
from core.jobs.submission import create_analyses, wait_for
from core.storage.models import Analysis, ProfileSnapshot, Reel
from core.storage.retention import parse_age


def _count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_delete_by_username_removes_rows_snapshots_and_reels_of_that_profile_only(store_env):
    wait_for(create_analyses(["few_posts", "demo_food"]), timeout=60)
    wait_for(create_analyses(["few_posts"]), timeout=60)
    assert main(["delete", "--username", "@Few_Posts"]) == 0
    with store_env.session() as session:
        assert session.scalars(select(Analysis.username)).all() == ["demo_food"]
    assert _count(store_env, ProfileSnapshot) == 1
    assert _count(store_env, Reel) == 38


def test_purge_deletes_only_finished_analyses_older_than_the_age(store_env):
    [old, new] = [s.analysis_id for s in wait_for(create_analyses(["few_posts", "empty_profile"]), timeout=60)]
    with store_env.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == old)
                        .values(created_at=datetime.now(UTC) - timedelta(days=40)))
    assert main(["purge", "--older-than", "30d"]) == 0
    with store_env.session() as session:
        assert session.scalars(select(Analysis.id)).all() == [new]


@pytest.mark.parametrize("text, expected", [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)),
                                            ("2w", timedelta(weeks=2))])
def test_ages_are_days_hours_or_weeks(text, expected):
    assert parse_age(text) == expected


def test_a_bad_age_is_a_usage_error(store_env):
    assert main(["purge", "--older-than", "soon"]) == 2
    assert main(["delete", "no-such-id"]) == 2
