"""The Celery app for ``REELSCOPE_QUEUE=celery``; its tasks (``core.jobs.celery_tasks``) call ``run_analysis``.

Delivery guarantees: a task is acknowledged only after ``run_analysis`` returns (``acks_late``); a worker
process that dies mid-job gets its message re-queued (``reject_on_worker_lost``), and a message taken by
a whole worker that vanished comes back after the broker's visibility timeout. A re-delivered job whose
previous runner is gone is put back to pending and run again (up to ``REELSCOPE_MAX_DELIVERIES`` times,
then failed as "interrupted"); one still running elsewhere is left alone. ``store.mark_started`` moves
pending→processing atomically and reels are replaced in one transaction, so a job never runs twice at
once nor stores duplicates.

Settings: ``CELERY_BROKER_URL`` (Redis), ``REELSCOPE_VISIBILITY_TIMEOUT`` (seconds, default 3600: longer
than any job), ``REELSCOPE_MAX_DELIVERIES`` (default 3). The database is ``DATABASE_URL``, as everywhere.
"""

from __future__ import annotations

import logging

from celery import Celery

log = logging.getLogger("reelscope.celery")

QUEUE_NAME = "reelscope"
TASK_NAME = "reelscope.run_analysis"
WATCH_TASK_NAME = "reelscope.start_due_watches"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def visibility_timeout() -> int:
    from core.settings import load_settings

    return load_settings().visibility_timeout


def broker_url() -> str:
    from core.settings import load_settings

    return load_settings().celery_broker_url or DEFAULT_BROKER


def make_app(broker: str | None = None) -> Celery:
    broker = broker or broker_url()
    timeout = visibility_timeout()
    celery = Celery("reelscope", broker=broker, set_as_current=False,
                    include=["core.jobs.celery_tasks"])  # the tasks, imported by each worker at start
    celery.conf.update(
        task_default_queue=QUEUE_NAME,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,            # results, progress and errors live in the database
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,       # a worker takes one job at a time per process
        worker_max_tasks_per_child=None,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": timeout,
            # sweep for messages of vanished workers often enough for the timeout in use
            "unacked_restore_interval": max(1, min(10, timeout // 4)),
            "unacked_restore_throttle": 1 if timeout < 600 else 10,
        },
    )
    celery.conf.beat_schedule = {"start-due-watches": {
        "task": WATCH_TASK_NAME, "schedule": watch_poll_seconds(), "options": {"queue": QUEUE_NAME,
                                                                              "expires": watch_poll_seconds()}}}
    return celery


def watch_poll_seconds() -> float:
    from core.settings import load_settings

    return max(1.0, load_settings().watch_poll_seconds or 60.0)


_apps: dict[str, Celery] = {}


def get_app() -> Celery:
    """The app for the current ``CELERY_BROKER_URL`` (settings are read each time, as tests change them)."""
    broker = broker_url()
    if broker not in _apps:
        _apps[broker] = make_app(broker)
    return _apps[broker]


app = get_app()  # what `celery -A core.jobs.celery_app` and `python -m core worker` run
