"""Structured logs: JSON lines, the analysis id on every line a job writes, rotated files.

``REELSCOPE_LOG_LEVEL`` sets the level (default INFO); ``REELSCOPE_LOG_FILE`` the file
(default data/logs/reelscope.log; ``-`` for stderr only). Secrets never reach the log: session
cookies are never passed to a logger.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.handlers
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator

from core.settings import load_settings

current_analysis_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("analysis_id", default=None)
_configured = False
_lock = threading.Lock()


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "analysis_id": getattr(record, "analysis_id", None),
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class AnalysisIdFilter(logging.Filter):
    """Stamps each record with the analysis the current thread is working on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "analysis_id", None) is None:
            record.analysis_id = current_analysis_id.get()
        return True


@contextmanager
def analysis_context(analysis_id: str) -> Iterator[None]:
    token = current_analysis_id.set(analysis_id)
    try:
        yield
    finally:
        current_analysis_id.reset(token)


def configure_logging() -> None:
    """Install the JSON handler on the ``reelscope`` logger once per process."""
    global _configured
    with _lock:
        if _configured:
            return
        logger = logging.getLogger("reelscope")
        settings = load_settings()
        logger.setLevel(settings.log_level.upper())
        logger.propagate = False
        target = settings.log_file
        if target == "-":
            handler: logging.Handler = logging.StreamHandler()
        else:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(target, maxBytes=5 * 1024 * 1024, backupCount=5,
                                                           encoding="utf-8")
        handler.setFormatter(JsonLineFormatter())
        handler.addFilter(AnalysisIdFilter())
        logger.addHandler(handler)
        _configured = True
