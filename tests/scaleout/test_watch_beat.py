"""Watches in team mode: Celery beat (in a worker and on its own) against real Redis and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from core.storage.engine import get_database
from core.storage.models import Analysis, Watch
from core.watchlists import watches

pytestmark = pytest.mark.slow

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _analyses_per_name(db) -> dict[str, list[str]]:
    with db.session() as session:
        rows = session.execute(select(Analysis.username, Analysis.status)).all()
    per_name: dict[str, list[str]] = {}
    for name, status in rows:
        per_name.setdefault(name, []).append(status)
    return per_name


def _wait_completed(db, names, runs: int, timeout: float, logs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        per_name = _analyses_per_name(db)
        if all(per_name.get(n, []).count("completed") >= runs for n in names):
            return
        time.sleep(0.2)
    raise AssertionError(f"{_analyses_per_name(db)}\n" + "\n".join(p.log_path.read_text()[-3000:] for p in logs))


def test_racing_claimers_on_postgresql_claim_each_watch_once(pg_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("REELSCOPE_QUEUE", "thread")
    db = get_database(pg_url)
    names = [f"racer_{i}" for i in range(40)]
    for start in range(0, len(names), 10):  # at most REELSCOPE_MAX_USERNAMES (20) names per call
        watches.add_watches(db, names[start:start + 10], 86400)
    barrier = threading.Barrier(6)
    claimed: list[str] = []

    def claim() -> None:
        barrier.wait()
        claimed.extend(watches.claim_due_watches(db, now=T0))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(claimed) == len(set(claimed)) == 40
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 40


def test_beat_in_a_worker_and_a_separate_beat_start_each_due_watch_once(celery_env, workers, tmp_path, emulator):
    env = {**celery_env, "REELSCOPE_WATCH_POLL_SECONDS": "1"}
    db = get_database(env["DATABASE_URL"])
    names = ["few_posts", "demo_food", "hidden_likes"]
    watches.add_watches(db, names, 3600, 4)
    first = workers.start(env, name="beat-worker",
                          extra_args=("--beat", "--schedule-file", str(tmp_path / "beat-a")))
    second = workers.start(env, name="plain-worker")
    beat = workers.start_process(env, "beat", "beat", "--schedule-file", str(tmp_path / "beat-b"))
    workers.wait_ready(first)
    workers.wait_ready(second)
    _wait_completed(db, names, 1, 90, [first, second, beat])
    time.sleep(4)  # several more beats from both schedulers: nothing is due until the interval passes
    assert _analyses_per_name(db) == {name: ["completed"] for name in names}
    assert "Sending due task start-due-watches" in beat.log_path.read_text()

    with db.transaction() as session:  # an hour later: each watch is due again, once
        session.execute(update(Watch).values(last_run_at=datetime.now(UTC) - timedelta(hours=2)))
    _wait_completed(db, names, 2, 90, [first, second, beat])
    time.sleep(3)
    assert _analyses_per_name(db) == {name: ["completed", "completed"] for name in names}


def test_run_due_in_celery_mode_enqueues_waits_and_prints_like_analyze(celery_env, workers, emulator):
    import json
    import subprocess
    import sys

    from tests.scaleout.conftest import ROOT

    db = get_database(celery_env["DATABASE_URL"])
    watches.add_watches(db, ["few_posts"], 86400)
    worker = workers.start(celery_env)
    workers.wait_ready(worker)
    result = subprocess.run([sys.executable, "-m", "core", "watch", "run-due", "--json"], cwd=ROOT, env=celery_env,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr + worker.log_path.read_text()
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert (line["username"], line["status"], line["reels"]) == ("few_posts", "completed", 3)
    assert _analyses_per_name(db) == {"few_posts": ["completed"]}
