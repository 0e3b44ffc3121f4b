"""The Celery side of job dispatch: enqueue analyses, reclaim jobs of dead workers, report queue status.

With ``REELSCOPE_QUEUE=celery`` the dashboard, CLI and API store analyses as pending and enqueue their
ids here; ``python -m core worker`` processes run them (``core.jobs.celery_app``). Progress and results are
read from the database in both modes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import update

from core.domain.errors import Interrupted, ReelScopeError
from core.jobs.celery_app import QUEUE_NAME, TASK_NAME, broker_url, get_app
from core.jobs.lease import is_expired, still_lapsed
from core.jobs.owners import QUEUED_OWNER, owner_is_alive
from core.settings import load_settings
from core.storage.analyses import failed_values
from core.storage.engine import Database, get_database
from core.storage.models import Analysis, Status, utcnow

log = logging.getLogger("reelscope.queue")



class QueueUnavailable(ReelScopeError):
    kind = "queue_unavailable"
    sentence = ("The job queue (CELERY_BROKER_URL) could not be reached, so no worker received this analysis; "
                "check that Redis is running and retry.")


def max_deliveries() -> int:
    return load_settings().max_deliveries


def enqueue(analysis_ids: list[str], db: Database | None = None) -> list[str]:
    """Send each id to the Celery queue; ids that could not be sent are failed with ``QueueUnavailable``.

    Returns the ids that were enqueued.
    """
    from core.storage.analyses import mark_failed

    app = get_app()
    sent = []
    for analysis_id in analysis_ids:
        try:
            app.send_task(TASK_NAME, args=[analysis_id], queue=QUEUE_NAME, retry=True,
                          retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5,
                                        "interval_max": 2})
            sent.append(analysis_id)
        except Exception as exc:  # noqa: BLE001 - recorded on the analysis, which the caller then shows
            log.error("could not enqueue analysis %s: %r", analysis_id, exc)
            mark_failed(db or get_database(), analysis_id, QueueUnavailable(detail=repr(exc)[:500]))
    return sent


def _redis_client():

    try:
        import redis

        return redis.Redis.from_url(get_app().conf.broker_url, socket_timeout=2, socket_connect_timeout=2)
    except Exception:  # noqa: BLE001 - not a Redis broker: no delivery counting
        return None


def _count_reclaim(analysis_id: str) -> int:
    """How many times this job has been taken back from a dead worker (kept in Redis for a week)."""
    client = _redis_client()
    if client is None:
        return 1
    try:
        key = f"reelscope:reclaims:{analysis_id}"
        count = int(client.incr(key))
        client.expire(key, 7 * 24 * 3600)
        return count
    except Exception:  # noqa: BLE001 - counting is a safeguard, not a requirement
        return 1
    finally:
        client.close()


def _abandoned(analysis: Analysis) -> bool:
    """Its worker process is gone (this host), or stopped renewing its lease (any host; core.jobs.lease)."""

    return not owner_is_alive(analysis.owner) or is_expired(analysis.lease_expires_at, datetime.now(UTC))


def reclaim_if_abandoned(db: Database, analysis_id: str) -> bool:
    """Before a (re-)delivered job runs: put it back to pending if the worker that started it is gone.

    Returns False when the job was failed as "interrupted" instead (it has been re-delivered too often,
    e.g. it kills its worker every time); True otherwise, and ``run_analysis`` decides (it runs only
    pending jobs, so a job still running elsewhere is skipped).
    """
    with db.session() as session:
        analysis = session.get(Analysis, analysis_id)
        if analysis is None or analysis.status != Status.PROCESSING or not _abandoned(analysis):
            return True
        owner = analysis.owner
    same_run = (Analysis.id == analysis_id, Analysis.status == Status.PROCESSING, Analysis.owner == owner)
    return _back_to_pending(db, analysis_id, owner, same_run) is not False


def requeue_lapsed(db: Database, analysis_id: str, owner: str | None, now: datetime) -> bool:
    """``core.jobs.lease``'s reclaim with Celery: a lapsed analysis goes back to the queue for another worker (the
    message its vanished worker held is re-delivered later, and skipped, as the job is no longer pending)."""
    result = _back_to_pending(db, analysis_id, owner, still_lapsed(analysis_id, owner, now))
    if result:
        enqueue([analysis_id], db)
    return result is not None


def _back_to_pending(db: Database, analysis_id: str, owner: str | None, same_run: tuple) -> bool | None:
    """Pending again for the queue (True), or failed as "interrupted" after too many deliveries (False);
    None when ``same_run`` no longer holds (another process was first)."""
    reclaims = _count_reclaim(analysis_id)
    with db.transaction() as session:
        if reclaims >= max_deliveries():
            error = Interrupted(detail=f"worker {owner} stopped; delivered {reclaims + 1} times, giving up")
            result = session.execute(update(Analysis).where(*same_run).values(**failed_values(error)))
            if result.rowcount != 1:
                return None
            log.warning("analysis %s: worker %s stopped mid-job again; failed as interrupted", analysis_id, owner)
            return False
        result = session.execute(update(Analysis).where(*same_run).values(
            status=Status.PENDING, progress=0, owner=QUEUED_OWNER, rate_limited_until=None, updated_at=utcnow(),
            lease_expires_at=None, status_message="Re-queued: the worker running it stopped; starting again"))
        if result.rowcount != 1:
            return None
    log.warning("analysis %s: worker %s stopped mid-job; running it again", analysis_id, owner)
    return True


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not URL-shaped
        return url.split("@")[-1]


def add_worker_status(status: dict, timeout: float = 1.0) -> dict:
    """Add the Celery workers seen and the broker's queue length to ``status`` (``dispatch.queue_status``)."""
    app = get_app()
    status["broker"] = _redacted(broker_url())
    try:
        replies = app.control.ping(timeout=timeout) or []
        status["workers"] = sorted(name for reply in replies for name in reply)
        status["workers_seen"] = len(status["workers"])
        client = _redis_client()
        if client is not None:
            try:
                status["broker_queued"] = int(client.llen(QUEUE_NAME))
            finally:
                client.close()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        status.update(ok=False, error=f"the broker {status['broker']} is unreachable: {type(exc).__name__}: {exc}")
        return status
    if not status["workers_seen"]:
        status.update(ok=False, error="no Celery worker answered: start one with `python -m core worker`")
    return status
