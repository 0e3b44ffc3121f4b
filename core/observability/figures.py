"""The system's figures in one place: error rate, queue, workers, Instagram outcomes, disk, analysis durations.

The Health page, ``health --json`` and the built-in system alerts read them here; ``/metrics`` exposes the same
store figures as counters and gauges for Prometheus to compute rates (core.observability.store_collector).
Everything comes from the store, so every process sees the same figures.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.observability.definitions import analysis_status_label, data_folder
from core.storage.engine import Database
from core.storage.models import Analysis, InstagramRequestCount, Status, WorkerHeartbeat

ERROR_RATE_WINDOW = timedelta(minutes=15)
INSTAGRAM_WINDOW = timedelta(hours=1)
REFUSAL_WINDOW = timedelta(minutes=15)
RECENT_DURATIONS = timedelta(hours=1)
BASELINE_DURATIONS = timedelta(hours=24)


@dataclass(frozen=True)
class Figures:
    """The figures at ``checked_at``. ``error_rate`` is failed / (completed + failed) over the last 15 minutes
    (cancelled analyses are neither); None when nothing finished."""

    checked_at: datetime
    completed_15m: int
    failed_15m: int
    cancelled_15m: int
    error_rate: float | None
    queue_depth: int
    in_progress: int
    workers: list[dict]
    newest_worker_age_seconds: float | None
    instagram_last_hour: dict[str, int]
    refusals_15m: dict[str, int]  # "capability/route" -> refused requests
    disk_free_bytes: int
    disk_free_percent: float
    disk_path: str
    p95_seconds_last_hour: float | None
    p95_seconds_last_24h: float | None
    completed_last_hour: int = 0
    completed_last_24h: int = 0

    def as_json(self) -> dict:
        data = asdict(self)
        data["checked_at"] = self.checked_at.isoformat()
        return data


def error_rate(completed: int, failed: int) -> float | None:
    """The share of failed analyses among those that finished (cancelled ones excluded); None when none finished."""
    finished = completed + failed
    return failed / finished if finished else None


def p95(values: list[float]) -> float | None:
    """The 95th percentile (nearest rank) of ``values``; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


def _finished_since(db: Database, since: datetime) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(Analysis.status, Analysis.error_kind, func.count())
                               .where(Analysis.status.not_in(Status.ACTIVE), Analysis.finished_at >= since)
                               .group_by(Analysis.status, Analysis.error_kind)).all()
    counts = {"completed": 0, "failed": 0, "cancelled": 0}
    for status, kind, count in rows:
        counts[analysis_status_label(status, kind)] += count
    return counts


def _durations_since(db: Database, since: datetime) -> list[float]:
    with db.session() as session:
        rows = session.execute(select(Analysis.started_at, Analysis.finished_at)
                               .where(Analysis.status == Status.COMPLETED, Analysis.finished_at >= since,
                                      Analysis.started_at.is_not(None))).all()
    return [(finished - started).total_seconds() for started, finished in rows]


def _instagram_outcomes(db: Database, since: datetime) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(InstagramRequestCount.outcome, func.sum(InstagramRequestCount.count))
                               .where(InstagramRequestCount.minute >= since)
                               .group_by(InstagramRequestCount.outcome)).all()
    outcomes = {"ok": 0, "rate_limited": 0, "refused": 0, "error": 0}
    outcomes.update({outcome: int(total) for outcome, total in rows})
    return outcomes


def _refusals(db: Database, since: datetime) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(InstagramRequestCount.capability, InstagramRequestCount.route,
                                      func.sum(InstagramRequestCount.count))
                               .where(InstagramRequestCount.minute >= since,
                                      InstagramRequestCount.outcome == "refused")
                               .group_by(InstagramRequestCount.capability, InstagramRequestCount.route)).all()
    return {f"{capability}/{route}": int(total) for capability, route, total in rows}


def _workers(db: Database, now: datetime) -> list[dict]:
    with db.session() as session:
        rows = session.execute(select(WorkerHeartbeat.name, WorkerHeartbeat.mode, WorkerHeartbeat.last_seen_at)
                               .where(WorkerHeartbeat.last_seen_at >= now - BASELINE_DURATIONS)
                               .order_by(WorkerHeartbeat.last_seen_at.desc())).all()
    return [{"name": name, "mode": mode, "last_seen_at": seen.isoformat(),
             "age_seconds": round((now - seen).total_seconds(), 1)} for name, mode, seen in rows]


def _active(db: Database) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(Analysis.status, func.count()).where(Analysis.status.in_(Status.ACTIVE))
                                    .group_by(Analysis.status)).all())


def collect_figures(db: Database, now: datetime) -> Figures:
    """Every figure, read from the store at ``now`` (disk from the store's folder)."""
    finished = _finished_since(db, now - ERROR_RATE_WINDOW)
    active = _active(db)
    workers = _workers(db, now)
    recent = _durations_since(db, now - RECENT_DURATIONS)
    baseline = _durations_since(db, now - BASELINE_DURATIONS)
    folder = data_folder(db)
    disk = shutil.disk_usage(folder)
    return Figures(
        checked_at=now, completed_15m=finished["completed"], failed_15m=finished["failed"],
        cancelled_15m=finished["cancelled"], error_rate=error_rate(finished["completed"], finished["failed"]),
        queue_depth=active.get(Status.PENDING, 0), in_progress=active.get(Status.PROCESSING, 0),
        workers=workers, newest_worker_age_seconds=workers[0]["age_seconds"] if workers else None,
        instagram_last_hour=_instagram_outcomes(db, now - INSTAGRAM_WINDOW),
        refusals_15m=_refusals(db, now - REFUSAL_WINDOW),
        disk_free_bytes=disk.free, disk_free_percent=round(100.0 * disk.free / disk.total, 2) if disk.total else 0.0,
        disk_path=str(folder), p95_seconds_last_hour=p95(recent), p95_seconds_last_24h=p95(baseline),
        completed_last_hour=len(recent), completed_last_24h=len(baseline))
