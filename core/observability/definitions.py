"""Definitions the metrics, the Health page and the system alerts share: an analysis's outcome label and the
folder whose disk holds the store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from core.domain.errors import Cancelled
from core.settings import PROJECT_ROOT
from core.storage.engine import Database
from core.storage.models import Status


def analysis_status_label(status: str, error_kind: str | None) -> str | None:
    """completed, failed or cancelled for a finished analysis (a cancelled one is stored as failed); None if active."""
    if status == Status.COMPLETED:
        return "completed"
    if status == Status.FAILED:
        return "cancelled" if error_kind == Cancelled.kind else "failed"
    return None


def data_folder(db: Database) -> Path:
    """The folder whose disk holds the store (the SQLite file's folder; the project folder otherwise)."""
    url = make_url(db.url)
    folder = Path(url.database).parent if url.get_backend_name() == "sqlite" and url.database else PROJECT_ROOT
    return folder if folder.exists() else PROJECT_ROOT
