"""The job suite and the instagram_data view contract on PostgreSQL, and SQLite/PostgreSQL parity.

The integration tests run here unchanged, with ``store_env`` (and the CLI's ``cli_env``) pointing at a
fresh PostgreSQL database instead of SQLite.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from core.jobs.submission import create_analyses, wait_for
from core.storage.engine import get_database
from core.storage.views import VIEW_COLUMNS
from tests.integration.test_analysis_against_emulator import *  # noqa: F403 - the same tests, on PostgreSQL
from tests.integration.test_cli import (  # noqa: F401 - the same CLI tests, on PostgreSQL
    test_an_invalid_username_exits_2_and_stores_nothing,
    test_analyze_exits_1_when_one_profile_fails_and_says_why_on_stderr,
    test_analyze_prints_one_json_line_per_username_and_exits_0,
    test_max_reels_limits_the_fetch,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def store_env(pg_url, monkeypatch, emulator):
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("INSTAGRAM_BASE_URL", emulator.url)
    monkeypatch.setenv("REELSCOPE_RATE_LIMIT_SCALE", "0")
    monkeypatch.setenv("REELSCOPE_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("REELSCOPE_QUEUE", "thread")
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    return get_database(pg_url)


@pytest.fixture
def cli_env(pg_url, emulator):
    env = dict(os.environ)
    env.update({"DATABASE_URL": pg_url, "INSTAGRAM_BASE_URL": emulator.url, "REELSCOPE_QUEUE": "thread",
                "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_MAX_ATTEMPTS": "1"})
    env.pop("REELSCOPE_DEMO", None)
    return env


PARITY_NAMES = ["demo_creator", "few_posts", "feed_videos", "hidden_likes", "no_play_counts", "weird_captions",
                "empty_profile", "private_account", "no_such_profile_here"]
RUN_SPECIFIC = {"id", "analysis_id", "created_at", "updated_at"}


def _rows_by_backend(url: str, monkeypatch) -> list[tuple]:
    monkeypatch.setenv("DATABASE_URL", url)
    db = get_database(url)
    ids = create_analyses(PARITY_NAMES, db=db)
    assert [s.status for s in wait_for(ids, db=db, timeout=120)]
    order = {analysis_id: i for i, analysis_id in enumerate(ids)}
    with db.engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM instagram_data"))
        assert tuple(result.keys()) == VIEW_COLUMNS
        rows = [dict(r._mapping) for r in result]
    return sorted(
        (order[r["analysis_id"]], r["reel_id"] or "",
         tuple((k, r[k]) for k in VIEW_COLUMNS if k not in RUN_SPECIFIC))
        for r in rows)


def test_the_same_analyses_give_identical_view_rows_on_sqlite_and_postgresql(store_env, pg_url, tmp_path,
                                                                            monkeypatch):
    on_postgres = _rows_by_backend(pg_url, monkeypatch)
    on_sqlite = _rows_by_backend(f"sqlite:///{tmp_path / 'parity.db'}", monkeypatch)
    assert len(on_postgres) > len(PARITY_NAMES)
    for pg_row, lite_row in zip(on_postgres, on_sqlite, strict=True):
        assert dict(pg_row[2]) == dict(lite_row[2])
    # types too: text dates and JSON, integers, booleans (SQLite has no boolean type: 0/1)
    sample = dict(on_postgres[0][2])
    assert isinstance(sample["reel_date_posted"], str) and sample["reel_date_posted"].endswith("+00:00")
    assert isinstance(sample["reel_hashtags"], str) and sample["reel_hashtags"].startswith("[")
    assert isinstance(sample["reel_duration"], int)
    assert sample["reel_is_video"] is True and sample["profile_is_private"] is False


def test_view_timestamps_are_iso_utc_on_postgresql(store_env):
    ids = create_analyses(["few_posts"])
    wait_for(ids, timeout=60)
    with store_env.engine.connect() as conn:
        created, updated = conn.execute(text("SELECT created_at, updated_at FROM instagram_data LIMIT 1")).one()
    from datetime import datetime
    assert datetime.fromisoformat(created).utcoffset().total_seconds() == 0
    assert datetime.fromisoformat(updated) >= datetime.fromisoformat(created)
