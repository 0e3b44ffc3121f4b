"""This process's leases: who owns a pending analysis, renewing the leases of running ones, and reclaiming
lapsed ones the way ``REELSCOPE_QUEUE`` says (fail as interrupted, or hand back to the Celery queue)."""

from __future__ import annotations

from datetime import datetime

from core.jobs import lease
from core.jobs.owners import QUEUED_OWNER, process_owner
from core.observability.housekeeping import housekeeping
from core.settings import load_settings
from core.storage.engine import Database
from core.storage.models import utcnow

QUEUE_MODES = ("thread", "celery")


def queue_mode() -> str:
    """``REELSCOPE_QUEUE``: ``thread`` (this process's pool runs jobs) or ``celery`` (workers run them)."""
    mode = load_settings().queue.lower()
    if mode not in QUEUE_MODES:
        raise ValueError(f"REELSCOPE_QUEUE must be one of {', '.join(QUEUE_MODES)}, not {mode!r}")
    return mode


def pending_owner() -> tuple[str, datetime | None]:
    """Who owns a pending analysis, and its lease: this process (thread pool, which then renews the lease),
    or the Celery queue (no process, no lease until a worker starts it)."""
    if queue_mode() == "celery":
        return QUEUED_OWNER, None
    return process_owner(), lease_policy().expires_at(utcnow())


def lease_policy() -> lease.LeasePolicy:
    return lease.LeasePolicy.from_environment()


def _reclaim_lapsed(db: Database, analysis_id: str, owner: str | None, now: datetime) -> bool:
    """A lapsed lease: fail the analysis as interrupted (Retry runs it again), or with Celery hand it to
    another worker (``core.jobs.celery_queue.requeue_lapsed``, which gives up after ``REELSCOPE_MAX_DELIVERIES``)."""
    if queue_mode() == "celery":
        from core.jobs import celery_queue  # Celery is imported only by processes that use it

        return celery_queue.requeue_lapsed(db, analysis_id, owner, now)
    return lease.fail_lapsed(db, analysis_id, owner, now)


def keep_leases(db: Database) -> lease.LeaseKeeper:
    """Start (once per process and database) renewing this process's leases and reclaiming lapsed ones."""
    return lease.keep_leases(db, process_owner(), reclaim=_reclaim_lapsed, chores=_worker_housekeeping)


def _worker_housekeeping(db: Database) -> None:
    """A process that runs analyses says it is alive, stores its Instagram tallies and checks system alerts."""
    housekeeping(db, runs_analyses=True)
