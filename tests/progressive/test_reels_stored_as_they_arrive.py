"""Reels are stored page by page while an analysis runs; completion is one step; the view shows completed ones."""

from __future__ import annotations

import importlib.util
import json
import time

import pytest
from sqlalchemy import text

from core.cli.main import main
from core.jobs.reel_pages import ReelPages
from core.jobs.submission import create_analyses, wait_for
from core.storage import analyses as store
from core.storage.engine import Database
from core.storage.migrations import MIGRATIONS_DIR
from core.storage.views import instagram_data_view_sql
from emulator import Fault
from tests.storage.conftest import ALPHA_REELS, profile, reel


@pytest.fixture
def db(tmp_path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'pages.db'}")


def running(db: Database, username: str = "alpha", owner: str = "me") -> str:
    [analysis_id] = store.insert_analyses(db, [username], max_reels=None, owner=owner)
    assert store.mark_started(db, analysis_id, owner)
    store.save_profile(db, analysis_id, profile(username, 1000), owner=owner)
    return analysis_id


def media_ids(db: Database, analysis_id: str) -> list[tuple[int, str]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT position, media_id FROM reels WHERE analysis_id = :a "
                                                    "ORDER BY position"), {"a": analysis_id})]


def view_reel_ids(db: Database, analysis_id: str) -> list:
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT reel_id FROM instagram_data WHERE analysis_id = :a"),
                                           {"a": analysis_id})]


def test_each_page_is_stored_at_once_and_counted_while_the_analysis_runs(db):
    analysis_id = running(db)
    pages = ReelPages(lambda reels, first: store.store_reel_page(db, analysis_id, reels, first, owner="me"))
    for r in ALPHA_REELS[:2]:
        pages.add(r)
    pages.page_ended()
    assert store.get_state(db, analysis_id).reels_stored == 2
    assert pages.add(ALPHA_REELS[1]) is False  # served again on the next page: stored once
    pages.add(ALPHA_REELS[2])
    pages.page_ended()
    assert media_ids(db, analysis_id) == [(0, "m0"), (1, "m1"), (2, "m2")]
    assert view_reel_ids(db, analysis_id) == [None]  # running: one row, no reels, as before
    assert store.complete_stored(db, analysis_id, [], owner="me") == 3
    state = store.get_state(db, analysis_id)
    assert (state.status, state.reels_stored, state.reels_fetched, state.progress) == ("completed", 3, 3, 100)
    assert sorted(view_reel_ids(db, analysis_id)) == ["m0", "m1", "m2"]


def test_a_page_of_an_analysis_another_process_took_stores_nothing(db):
    analysis_id = running(db, owner="me")
    with pytest.raises(store.AnalysisNotRunning):
        store.store_reel_page(db, analysis_id, ALPHA_REELS[:2], 0, owner="someone-else")
    assert media_ids(db, analysis_id) == []


def test_a_failed_run_keeps_its_reels_and_a_retry_replaces_them(db):
    from core.domain.errors import Interrupted

    analysis_id = running(db)
    store.store_reel_page(db, analysis_id, ALPHA_REELS[:3], 0, owner="me")
    store.mark_failed(db, analysis_id, Interrupted())
    assert store.get_state(db, analysis_id).reels_stored == 3
    assert view_reel_ids(db, analysis_id) == [None]
    assert store.reset_for_retry(db, analysis_id, "me")
    assert store.get_state(db, analysis_id).reels_stored == 3  # still there until the retry starts
    assert store.mark_started(db, analysis_id, "me")
    assert media_ids(db, analysis_id) == []
    store.store_reel_page(db, analysis_id, [reel(5, likes=1, comments=1, plays=1), ALPHA_REELS[0]], 0, owner="me")
    store.complete_stored(db, analysis_id, [], owner="me")
    assert media_ids(db, analysis_id) == [(0, "m5"), (1, "m0")]


def test_the_newest_migration_holds_the_view_the_code_defines():
    [path] = sorted((MIGRATIONS_DIR / "versions").glob("0015_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0015", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    assert revision.VIEW_SQL == {d: instagram_data_view_sql(d) for d in ("sqlite", "postgresql")}


def test_jobs_json_counts_the_reels_stored_so_far(db, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    analysis_id = running(db)
    store.store_reel_page(db, analysis_id, ALPHA_REELS[:2], 0, owner="me")
    assert main(["jobs", "--json"]) == 0
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (line["status"], line["reels_stored"]) == ("processing", 2)


def test_an_analysis_against_the_emulator_stores_each_listing_page_before_asking_for_the_next(store_env, emulator):
    """The emulator's request log shows each listing request; the store, polled, grows in whole pages."""
    seen: list[int] = []
    emulator.add_fault(Fault("slow", username="demo_creator", endpoint="post", delay_ms=15))
    [analysis_id] = create_analyses(["demo_creator"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = store.get_state(store_env, analysis_id)
        seen.append(state.reels_stored)
        if state.status in ("completed", "failed"):
            break
        time.sleep(0.01)
    [final] = wait_for([analysis_id], timeout=60)
    videos = len(emulator.catalogue["demo_creator"].videos)
    assert (final.status, final.reels_stored) == ("completed", videos)
    during = sorted({n for n in seen[:-1] if 0 < n < videos})
    assert during, "no reels were visible before completion"
    ids = [m for _, m in media_ids(store_env, analysis_id)]
    assert len(ids) == len(set(ids)) == videos
