"""The Celery tasks (registered on every app by ``shared_task``; workers import this module at start)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init

from core.jobs.celery_app import TASK_NAME, WATCH_TASK_NAME
from core.jobs.celery_queue import reclaim_if_abandoned
from core.jobs.leasing import keep_leases
from core.jobs.pipeline import run_analysis
from core.storage import engine as core_db
from core.storage.engine import get_database
from core.watchlists.watches import check_watchlist

log = logging.getLogger("reelscope.celery")


@shared_task(name=WATCH_TASK_NAME)
def start_due_watches_task() -> list[str]:
    """The beat task: re-send undelivered alerts, claim due watches (core.watchlists.watches, the step every runner
    shares) and enqueue their analyses."""
    return check_watchlist()


@shared_task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)
def run_analysis_task(analysis_id: str) -> str:
    """The Celery task: reclaim the job if a dead worker left it, then run it with the one job function."""
    db = get_database()
    if not reclaim_if_abandoned(db, analysis_id):
        return "skipped"
    return run_analysis(analysis_id, db)


@worker_process_init.connect
def _fresh_pools_in_child(**_kwargs) -> None:
    """A forked pool process must not reuse connections opened by its parent."""
    for database in list(core_db._databases.values()):
        database.engine.dispose(close=False)
    try:  # an idle worker process reclaims lapsed analyses too (core.jobs.lease); running ones renew theirs
        keep_leases(core_db.get_database())
    except Exception:  # noqa: BLE001 - the first task starts it again; never block the worker's start
        log.exception("could not start the lease keeper")
