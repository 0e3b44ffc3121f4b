"""Where a pending analysis runs (``REELSCOPE_QUEUE``): this process's thread pool, or the Celery queue;
and the leases that let any process reclaim an analysis whose runner stopped."""

from __future__ import annotations

from sqlalchemy import func, select

from core.jobs import threads
from core.jobs.leasing import queue_mode
from core.jobs.owners import process_owner
from core.settings import load_settings
from core.storage.engine import Database, get_database
from core.storage.models import Analysis, Status


def dispatch_many(analysis_ids: list[str], db: Database | None = None) -> None:
    """Start stored pending analyses: in this process's thread pool, or enqueued for Celery workers."""
    if queue_mode() == "celery":
        from core.jobs import celery_queue  # Celery is imported only by processes that use it

        celery_queue.enqueue(list(analysis_ids), db)  # failures to enqueue are recorded on the analyses
        return
    runner = threads.get_runner()
    for analysis_id in analysis_ids:
        runner.submit(analysis_id, db)


def dispatch(analysis_id: str, db: Database | None = None) -> None:
    """Start one stored pending analysis where ``REELSCOPE_QUEUE`` says (never runs it in the caller)."""
    dispatch_many([analysis_id], db)


def queue_status(db: Database | None = None, timeout: float = 1.0) -> dict:
    """Queued and running analyses and the workers seen, for ``python -m core health`` and the Health page.

    Keys: ``ok``, ``mode`` (thread|celery), ``queued`` (pending analyses), ``running`` (processing),
    ``workers_seen`` and ``workers`` (names), ``error`` (why not ok), and with Celery ``broker`` and
    ``broker_queued`` (messages waiting in Redis).
    """
    settings = load_settings()
    db = db or get_database()
    with db.session() as session:
        counts = dict(session.execute(select(Analysis.status, func.count()).where(Analysis.status.in_(Status.ACTIVE))
                                      .group_by(Analysis.status)).all())
    status: dict = {"ok": True, "mode": settings.queue, "queued": int(counts.get(Status.PENDING, 0)),
                    "running": int(counts.get(Status.PROCESSING, 0)), "workers_seen": 0, "workers": [],
                    "error": None}
    if settings.queue != "celery":
        runner = threads._runner
        status.update(workers_seen=1, workers=[process_owner()], threads=settings.workers,
                      pool_started=runner is not None, active_in_pool=runner.running() if runner else 0)
        return status
    from core.jobs import celery_queue

    return celery_queue.add_worker_status(status, timeout)
