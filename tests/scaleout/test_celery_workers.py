"""REELSCOPE_QUEUE=celery against a real redis-server and PostgreSQL, with `python -m core worker` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from core.jobs.dispatch import queue_status
from core.jobs.submission import create_analyses, wait_for
from core.storage.engine import get_database
from core.storage.models import Analysis, Reel
from emulator.server import Fault
from tests.scaleout.conftest import ROOT

pytestmark = pytest.mark.slow


def _owner_pid(db, analysis_id: str) -> int | None:
    with db.session() as session:
        owner = session.get(Analysis, analysis_id).owner
    try:
        return int(owner.rsplit(":", 2)[1])
    except (AttributeError, ValueError, IndexError):
        return None


def _parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def _wait_processing(db, analysis_id: str, timeout: float = 30) -> int:
    """Wait until a worker has started the analysis and fetched some reels; return the pid running it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as session:
            analysis = session.get(Analysis, analysis_id)
            if analysis.status == "processing" and analysis.progress >= 10:
                return _owner_pid(db, analysis_id)
            assert analysis.status in ("pending", "processing"), (analysis.status, analysis.error)
        time.sleep(0.05)
    raise AssertionError("the analysis never started")


def _assert_stored_once(db, analysis_id: str, expected_reels: int) -> None:
    with db.session() as session:
        media = session.execute(select(Reel.media_id).where(Reel.analysis_id == analysis_id)).scalars().all()
        analyses = session.scalar(select(func.count()).select_from(Analysis).where(Analysis.id == analysis_id))
    assert analyses == 1
    assert len(media) == len(set(media)) == expected_reels
    with db.engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM instagram_data WHERE analysis_id = :a"), {"a": analysis_id}).scalars()
        ids = list(ids)
    assert len(ids) == len(set(ids)) == max(expected_reels, 1)


def test_cli_only_enqueues_and_a_separate_worker_process_runs_the_job(celery_env, workers, emulator):
    worker = workers.start(celery_env)
    workers.wait_ready(worker)
    result = subprocess.run([sys.executable, "-m", "core", "analyze", "few_posts", "@Demo_Food", "--json"],
                            cwd=ROOT, env=celery_env, capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr + worker.log_path.read_text()
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["username"], x["status"], x["error"], x["reels"]) for x in lines] == [
        ("few_posts", "completed", None, len(emulator.catalogue["few_posts"].videos)),
        ("demo_food", "completed", None, len(emulator.catalogue["demo_food"].videos))]
    db = get_database(celery_env["DATABASE_URL"])
    for line in lines:  # run in the worker's pool process, not in the CLI process
        assert _parent_pid(_owner_pid(db, line["analysis_id"])) == worker.pid


def test_without_workers_jobs_wait_in_the_queue_then_a_worker_drains_them(celery_env, workers, emulator):
    db = get_database(celery_env["DATABASE_URL"])
    ids = create_analyses(["few_posts"], db=db)
    time.sleep(0.5)
    [state] = wait_for(ids, db=db, timeout=0)
    assert state.status == "pending"  # nothing runs in this process
    status = queue_status(db, timeout=0.5)
    assert (status["mode"], status["queued"], status["running"], status["workers_seen"]) == ("celery", 1, 0, 0)
    assert status["broker_queued"] == 1 and not status["ok"] and "worker" in status["error"]

    worker = workers.start(celery_env)
    workers.wait_ready(worker)
    [state] = wait_for(ids, db=db, timeout=60)
    assert state.status == "completed", worker.log_path.read_text()
    status = queue_status(db)
    assert status["ok"] and status["workers_seen"] == 1 and status["queued"] == status["running"] == 0


def test_a_killed_job_process_is_requeued_and_completed_once(celery_env, workers, emulator):
    db = get_database(celery_env["DATABASE_URL"])
    emulator.add_fault(Fault("slow", username="demo_food", endpoint="post", times=4, delay_ms=700))
    worker = workers.start(celery_env)
    workers.wait_ready(worker)
    [analysis_id] = create_analyses(["demo_food"], max_reels=8, db=db)
    pid = _wait_processing(db, analysis_id)
    assert _parent_pid(pid) == worker.pid
    os.kill(pid, 9)  # the pool process running the job dies mid-job (OOM killer, kill -9)
    [state] = wait_for([analysis_id], db=db, timeout=60)
    assert state.status == "completed", (state.error, worker.log_path.read_text())
    assert _owner_pid(db, analysis_id) != pid
    _assert_stored_once(db, analysis_id, 8)


def test_a_killed_worker_leaves_the_job_to_another_worker_never_duplicated(celery_env, workers, emulator):
    db = get_database(celery_env["DATABASE_URL"])
    emulator.add_fault(Fault("slow", username="demo_travel", endpoint="post", times=4, delay_ms=700))
    first, second = workers.start(celery_env, name="first"), workers.start(celery_env, name="second")
    workers.wait_ready(first)
    workers.wait_ready(second)
    [analysis_id] = create_analyses(["demo_travel"], max_reels=8, db=db)
    pid = _wait_processing(db, analysis_id)
    running, other = (first, second) if _parent_pid(pid) == first.pid else (second, first)
    workers.kill(running)  # the whole worker machine is gone: its message comes back after the visibility timeout
    [state] = wait_for([analysis_id], db=db, timeout=60)
    assert state.status == "completed", (state.error, other.log_path.read_text())
    assert _parent_pid(_owner_pid(db, analysis_id)) == other.pid
    _assert_stored_once(db, analysis_id, 8)


def test_two_workers_drain_ten_jobs(celery_env, workers, emulator):
    db = get_database(celery_env["DATABASE_URL"])
    emulator.latency_ms = 20
    try:
        pool = [workers.start(celery_env, name=f"drain{i}") for i in range(2)]
        for worker in pool:
            workers.wait_ready(worker)
        names = ["few_posts", "demo_food", "hidden_likes", "no_play_counts", "weird_captions", "feed_videos",
                 "demo_travel", "empty_profile", "demo_creator", "big_creator"]
        ids = [create_analyses([name], max_reels=6, db=db)[0] for name in names]
        states = wait_for(ids, db=db, timeout=120)
    finally:
        emulator.latency_ms = 0
    assert [s.status for s in states] == ["completed"] * 10, [s.error for s in states]
    for name, analysis_id in zip(names, ids, strict=True):
        _assert_stored_once(db, analysis_id, min(6, len(emulator.catalogue[name].videos)))
    parents = {_parent_pid(_owner_pid(db, analysis_id)) for analysis_id in ids}
    assert parents == {w.pid for w in pool}  # both workers took jobs


def test_a_job_whose_machine_stopped_renewing_its_lease_is_handed_to_another_worker(celery_env, workers, emulator):
    from datetime import timedelta

    from core.jobs import lease, leasing, owners
    from core.storage.analyses import insert_analyses, mark_started

    db = get_database(celery_env["DATABASE_URL"])
    now = datetime.now(UTC)
    owner = "machine-that-vanished:4242:1"  # another host: its pid cannot be checked, only its lease
    [gone, alive] = insert_analyses(db, ["few_posts", "demo_food"], None, owner)
    assert mark_started(db, gone, owner, now - timedelta(seconds=1))
    assert mark_started(db, alive, owner, now + timedelta(seconds=60))
    keeper = lease.LeaseKeeper(db, owners.process_owner(), reclaim=leasing._reclaim_lapsed)
    assert keeper.tick() == [gone]
    [state] = wait_for([gone], db=db, timeout=0)
    assert state.status == "pending"  # back in the queue, not failed
    worker = workers.start(celery_env)
    workers.wait_ready(worker)
    [state] = wait_for([gone], db=db, timeout=60)
    assert state.status == "completed", (state.error, worker.log_path.read_text())
    _assert_stored_once(db, gone, len(emulator.catalogue["few_posts"].videos))
    [other] = wait_for([alive], db=db, timeout=0)
    assert other.status == "processing"  # a live lease on another machine is left alone


def test_a_starting_worker_removes_the_partial_exports_a_killed_one_left(celery_env, workers, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    leftover = exports / "reels.csv.part"
    leftover.write_bytes(b"half a file")  # no process holds its lock: what a killed writer leaves
    env = {**celery_env, "REELSCOPE_EXPORT_DIR": str(exports)}
    workers.wait_ready(workers.start(env))
    assert not leftover.exists()
