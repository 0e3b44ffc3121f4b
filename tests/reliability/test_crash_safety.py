"""A process killed with SIGKILL mid-analysis leaves the store consistent and the job recoverable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from core.jobs.submission import create_analyses, recover_orphans, wait_for
from core.storage.analyses import get_state, list_states
from core.storage.engine import get_database
from emulator import Fault

ROOT = Path(__file__).resolve().parents[2]


def _progress_of(db, username):
    states = [s for s in list_states(db, username=username)]
    return states[0] if states else None


def _media_ids(db, analysis_id):
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT media_id FROM reels WHERE analysis_id = :a"),
                                           {"a": analysis_id})]


@pytest.mark.slow
@pytest.mark.parametrize("kill_at_progress", [10, 30, 55, 80])
def test_a_killed_analysis_keeps_the_reels_stored_so_far_and_a_retry_stores_each_once(store_env, emulator,
                                                                                       kill_at_progress):
    from core.jobs.submission import retry_analysis

    db = store_env
    [earlier] = wait_for(create_analyses(["few_posts"]), timeout=60)
    assert earlier.status == "completed"
    # Slow reel details keep the victim busy long enough to be killed at the chosen stage.
    emulator.add_fault(Fault("slow", username="demo_creator", endpoint="post", delay_ms=40))
    process = subprocess.Popen([sys.executable, "-m", "core", "analyze", "demo_creator", "--quiet"], cwd=ROOT,
                               env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = _progress_of(db, "demo_creator")
            if state is not None and state.progress >= kill_at_progress:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the analysis never reached the kill point")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    victim = _progress_of(db, "demo_creator")
    videos = len(emulator.catalogue["demo_creator"].videos)
    assert victim.status in ("processing", "completed")  # never half-completed
    kept = _media_ids(db, victim.analysis_id)
    assert len(kept) == len(set(kept)) == victim.reels_stored  # whole pages, each reel once
    recovered = recover_orphans(db)
    final = get_state(db, victim.analysis_id)
    if victim.status == "processing":
        assert recovered == 1
        assert (final.status, final.error_kind) == ("failed", "interrupted")
        assert "Interrupted" in final.error
        assert final.reels_stored == len(kept)  # what was stored before the kill stays
        if kill_at_progress == 55:  # mid-listing: some pages stored, not all
            assert 0 < len(kept) < videos
        if kill_at_progress == 80:  # the listing may have ended (80% is its last step) before the kill
            assert 0 < len(kept) <= videos
        assert retry_analysis(victim.analysis_id, db=db)
        [final] = wait_for([victim.analysis_id], timeout=60)
    assert final.status == "completed"
    stored = _media_ids(db, victim.analysis_id)
    assert len(stored) == len(set(stored)) == final.reels_stored == videos
    again = get_state(db, earlier.analysis_id)
    assert (again.status, again.reels_stored) == ("completed", earlier.reels_stored)
    with get_database().engine.connect() as conn:
        statuses = {r[0] for r in conn.execute(text("SELECT DISTINCT analysis_status FROM instagram_data"))}
        rows = conn.execute(text("SELECT COUNT(*) FROM instagram_data WHERE analysis_id = :a"),
                            {"a": victim.analysis_id}).scalar()
    assert "processing" not in statuses
    assert rows == videos


def test_an_interrupted_analysis_can_be_retried_to_completion(store_env, emulator):
    from core.domain.errors import Interrupted
    from core.jobs.submission import retry_analysis
    from core.storage.analyses import mark_failed

    ids = create_analyses(["few_posts"])
    wait_for(ids, timeout=60)
    mark_failed(store_env, ids[0], Interrupted())
    assert retry_analysis(ids[0], db=store_env)
    [final] = wait_for(ids, timeout=60)
    assert (final.status, final.reels_stored) == ("completed", len(emulator.catalogue["few_posts"].videos))


def test_orphans_of_a_live_process_are_left_alone(store_env):
    from core.jobs.owners import process_owner
    from core.storage.analyses import insert_analyses

    [mine] = insert_analyses(store_env, ["someone"], None, process_owner())
    assert recover_orphans(store_env) == 0
    assert get_state(store_env, mine).status == "pending"


def test_a_locked_sqlite_database_is_waited_for_not_a_crash(tmp_path, monkeypatch):
    import sqlite3
    import threading

    from core.storage.analyses import insert_analyses
    from core.storage.engine import Database

    monkeypatch.setenv("REELSCOPE_SQLITE_BUSY_MS", "20")  # SQLite gives up fast; the retry must cover it
    db = Database(f"sqlite:///{tmp_path / 'locked.db'}")
    blocker = sqlite3.connect(tmp_path / "locked.db", timeout=0, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, blocker.commit).start()
    ids = insert_analyses(db, ["someone"], None, None)
    assert get_state(db, ids[0]).status == "pending"
    blocker.close()


def test_cancelling_a_running_analysis_ends_it_failed_cancelled_by_user(store_env, emulator):
    from core.jobs.submission import cancel_analysis

    emulator.add_fault(Fault("slow", username="demo_creator", endpoint="post", delay_ms=30))
    [analysis_id] = create_analyses(["demo_creator"])
    deadline = time.monotonic() + 30
    while get_state(store_env, analysis_id).progress < 35 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert cancel_analysis(analysis_id, db=store_env)
    [final] = wait_for([analysis_id], timeout=30)
    assert (final.status, final.error_kind, final.error) == ("failed", "cancelled", "Cancelled by user.")
    kept = _media_ids(store_env, analysis_id)  # the pages stored before the cancel stay, each reel once
    assert len(kept) == len(set(kept)) == final.reels_stored < len(emulator.catalogue["demo_creator"].videos)
    assert not cancel_analysis(analysis_id, db=store_env)


def test_cancelling_from_the_cli_a_job_nobody_runs_fails_it_at_once(store_env):
    from core.cli.main import main
    from core.storage.analyses import insert_analyses

    [orphan] = insert_analyses(store_env, ["someone"], None, "elsewhere:999999:0")
    assert main(["cancel", orphan]) == 0
    assert get_state(store_env, orphan).error_kind == "cancelled"
    assert main(["cancel", orphan]) == 1
    assert main(["cancel", "no-such-id"]) == 2
