"""Is this installation healthy? Database reachable and writable, jobs, workers, disk space; and the system figures
and system alerts (the same figures as ``/metrics``, core.observability)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.observability.definitions import data_folder
from core.observability.system_alerts import system_section
from core.settings import load_settings
from core.storage import analyses as store
from core.storage.engine import Database
from core.storage.unavailable import one_line, probe_write

MIN_FREE_BYTES = 200 * 1024 * 1024


def _database_check(db: Database) -> dict:
    try:
        probe_write(db)  # a real write: a read-only store or a full disk is not healthy
        return {"ok": True, "backend": db.engine.dialect.name}
    except SQLAlchemyError as exc:  # reported, not raised; never the SQL
        return {"ok": False, "backend": db.engine.dialect.name, "error": one_line(exc)}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "backend": db.engine.dialect.name, "error": type(exc).__name__}


def _schema_version(db: Database) -> str | None:
    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no migrations table: schema created without Alembic
        return None


def _disk_check(db: Database) -> dict:
    folder = data_folder(db)
    free = shutil.disk_usage(folder).free
    return {"ok": free >= MIN_FREE_BYTES, "free_bytes": free, "path": str(folder)}


def _workers_check() -> dict:
    settings = load_settings()
    if settings.queue == "celery":
        try:
            from core.jobs.dispatch import queue_status  # type: ignore[attr-defined]
        except ImportError:
            return {"ok": False, "mode": "celery", "error": "Celery support is not installed"}
        status = queue_status()
        return {"ok": bool(status.get("ok", True)), "mode": "celery", **status}
    from core.jobs.threads import _runner
    return {"ok": True, "mode": "thread", "pool_started": _runner is not None,
            "running": _runner.running() if _runner is not None else 0, "threads": settings.workers}


def health_report(db: Database) -> dict:
    """Every check with its result; ``healthy`` is true when all the essential ones pass."""
    database = _database_check(db)
    jobs = store.job_counts(db, datetime.now(UTC) - timedelta(hours=1)) if database["ok"] else {}
    report = {
        "database": database,
        "schema_version": _schema_version(db) if database["ok"] else None,
        "jobs": jobs,
        "workers": _workers_check(),
        "disk": _disk_check(db),
        "system": system_section(db) if database["ok"] else None,
        "checked_at": datetime.now(UTC).isoformat(),
    }
    report["healthy"] = all(report[k]["ok"] for k in ("database", "workers", "disk"))
    return report
