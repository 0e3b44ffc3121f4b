"""The chores of every long-running ReelScope process, run on its lease-renewal loop (core.jobs.lease) or the
dashboard's watch loop: say this worker is alive, store this process's Instagram request tallies, and check the
built-in system alerts (at most every ``REELSCOPE_SYSTEM_ALERT_CHECK_SECONDS``)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update

from core.observability import instagram_requests
from core.observability.system_alerts import check_system_alerts
from core.settings import load_settings
from core.storage.engine import Database
from core.storage.models import InstagramRequestCount, WorkerHeartbeat, utcnow

log = logging.getLogger("reelscope.housekeeping")

# Tallies and heartbeats older than this are deleted: the figures look back 24 hours at most.
KEEP = timedelta(days=2)

_last_check: dict[str, float] = {}
_check_lock = threading.Lock()


def worker_name() -> str:
    """This process as a worker: ``host:pid`` (one Celery prefork child, or one dashboard or API process)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(db: Database, mode: str, now: datetime | None = None) -> None:
    """Record that this process, which runs analyses, is alive (``reelscope_worker_last_seen_timestamp_seconds``)."""
    now = now or utcnow()
    name = worker_name()
    with db.transaction() as session:
        found = session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.name == name)
                                .values(last_seen_at=now, mode=mode)).rowcount
        if not found:
            session.add(WorkerHeartbeat(name=name, mode=mode, last_seen_at=now))


def store_request_tallies(db: Database) -> int:
    """Write this process's Instagram request tallies per minute to the store; the requests written."""
    tallies = instagram_requests.take_unsaved()
    if not tallies:
        return 0
    rows = [{"minute": minute, "capability": capability, "route": route, "outcome": outcome, "count": count}
            for (minute, capability, route, outcome), count in tallies.items()]
    try:
        with db.transaction() as session:
            session.execute(insert(InstagramRequestCount), rows)
    except Exception:
        instagram_requests.give_back(tallies)
        raise
    return sum(tallies.values())


def forget_old(db: Database, now: datetime) -> None:
    with db.transaction() as session:
        session.execute(delete(InstagramRequestCount).where(InstagramRequestCount.minute < now - KEEP))
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen_at < now - KEEP))


def check_due(db: Database, every: float) -> bool:
    """True at most once per ``every`` seconds per store in this process (0: never)."""
    if every <= 0:
        return False
    with _check_lock:
        now = time.monotonic()
        last = _last_check.get(db.url)
        if last is not None and now - last < every:
            return False
        _last_check[db.url] = now
        return True


def housekeeping(db: Database, runs_analyses: bool) -> None:
    """One round of chores; each failure is logged and retried next round, never raised."""
    settings = load_settings()
    chores = [store_request_tallies]
    if runs_analyses:
        chores.insert(0, lambda database: beat(database, settings.queue))
    if check_due(db, settings.system_alert_check_seconds):
        chores += [lambda database: forget_old(database, utcnow()), check_system_alerts]
    for chore in chores:
        try:
            chore(db)
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("housekeeping chore failed")
