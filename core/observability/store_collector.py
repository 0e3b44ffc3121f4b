"""Figures that live in the store, read from it at scrape time, so every process reports the same numbers.

An analysis counts once in ``reelscope_analyses_total`` whichever process (Celery worker, dashboard, CLI) ran it
and whichever process is scraped. Every label combination the product can produce is reported, at 0 when
nothing happened yet, so that ``increase()`` sees a series' first failures instead of starting from them.
"""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from typing import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from core.domain.errors import ERROR_KINDS, Cancelled
from core.observability.definitions import analysis_status_label, data_folder
from core.storage.engine import Database
from core.storage.models import Analysis, ExportRecord, Status, WorkerHeartbeat, utcnow

log = logging.getLogger("reelscope.metrics")

DATA_SOURCES = ("instagram", "emulator", "other")  # core.instagram.data_source.DATA_SOURCES (kept light here)
# Heartbeats older than this are not reported: a worker stopped for a day is gone, not late.
WORKER_REPORT_WINDOW = timedelta(hours=24)


def _every_label_combination() -> list[tuple[str, str, str]]:
    kinds = sorted(kind for kind in ERROR_KINDS if kind != Cancelled.kind)
    per_source = [("completed", "")] + [("failed", kind) for kind in kinds] + [("cancelled", Cancelled.kind)]
    return [(status, kind, source) for source in DATA_SOURCES for status, kind in per_source]


def analyses_by_outcome(db: Database) -> tuple[dict[tuple[str, str, str], int], dict[str, int]]:
    """Finished analyses by (status label, error kind, data source), and active ones by status (pending, processing)."""
    with db.session() as session:
        rows = session.execute(select(Analysis.status, Analysis.error_kind, Analysis.data_source, func.count())
                               .group_by(Analysis.status, Analysis.error_kind, Analysis.data_source)).all()
    finished: dict[tuple[str, str, str], int] = dict.fromkeys(_every_label_combination(), 0)
    active = {Status.PENDING: 0, Status.PROCESSING: 0}
    for status, error_kind, data_source, count in rows:
        label = analysis_status_label(status, error_kind)
        if label is None:
            active[status] = active.get(status, 0) + count
            continue
        key = (label, "" if label == "completed" else (error_kind or "internal"), data_source or "other")
        finished[key] = finished.get(key, 0) + count
    return finished, active


def worker_heartbeats(db: Database) -> list[tuple[str, float]]:
    """(worker name, last seen as a Unix timestamp) of the workers seen in the last 24 hours."""
    with db.session() as session:
        rows = session.execute(select(WorkerHeartbeat.name, WorkerHeartbeat.last_seen_at)
                               .where(WorkerHeartbeat.last_seen_at >= utcnow() - WORKER_REPORT_WINDOW)).all()
    return [(name, seen.timestamp()) for name, seen in rows]


def exports_by_format(db: Database) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(ExportRecord.format, func.count()).group_by(ExportRecord.format)).all())


class StoreCollector(Collector):
    """A prometheus_client collector reading the store of ``database()`` on every scrape."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self.database = database

    def describe(self) -> list:
        return []  # collected at scrape time only: registering must not query the store

    def collect(self) -> Iterator:
        up = GaugeMetricFamily("reelscope_store_up", "1 when the store answered this scrape, else 0.")
        try:
            db = self.database()
            finished, active = analyses_by_outcome(db)
            workers = worker_heartbeats(db)
            exports = exports_by_format(db)
            disk = shutil.disk_usage(data_folder(db))
        except Exception as exc:  # noqa: BLE001 - a scrape of a broken store reports it instead of failing
            log.warning("metrics: the store did not answer: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        analyses = CounterMetricFamily("reelscope_analyses", "Finished analyses in the store, by outcome.",
                                       labels=["status", "error_kind", "data_source"])
        for (status, kind, source), count in sorted(finished.items()):
            analyses.add_metric([status, kind, source], count)
        yield analyses
        yield GaugeMetricFamily("reelscope_queue_depth", "Analyses waiting to start (pending).",
                                value=active.get(Status.PENDING, 0))
        yield GaugeMetricFamily("reelscope_analyses_in_progress", "Analyses running now (processing).",
                                value=active.get(Status.PROCESSING, 0))
        seen = GaugeMetricFamily("reelscope_worker_last_seen_timestamp_seconds",
                                 "When each worker process was last seen alive (Unix time).", labels=["worker"])
        for name, timestamp in sorted(workers):
            seen.add_metric([name], timestamp)
        yield seen
        exported = CounterMetricFamily("reelscope_exports", "Exports generated, by format.", labels=["format"])
        for export_format, count in sorted(exports.items()):
            exported.add_metric([export_format], count)
        yield exported
        yield GaugeMetricFamily("reelscope_data_disk_free_bytes", "Free space on the disk holding the store's folder.",
                                value=disk.free)
        yield GaugeMetricFamily("reelscope_data_disk_size_bytes", "Size of the disk holding the store's folder.",
                                value=disk.total)
