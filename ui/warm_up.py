"""Warm-up, once per dashboard process and in a background thread: what the first page would otherwise pay for on its
first open, whichever analysis it shows. That is importing the pages' modules (pandas, SQLAlchemy, pydantic and
ours: about a second here), SQLAlchemy's first mapping of the models (about 50 ms), pyarrow's first Parquet read
(about 0.2 s of one-off set-up) and Plotly's first figures (its property validators load lazily, about 0.18 s).
Started by ui.serve as soon as the server listens, else by the first page any browser opens. It never calls st.*
and never touches the store."""

from __future__ import annotations

import importlib
import io
import logging
import threading
from datetime import UTC, datetime, timedelta

log = logging.getLogger("reelscope.ui")

# What the home page and the Results page import (tests/pages/test_dashboard_warm_up.py keeps the list complete).
PAGE_MODULES: tuple[str, ...] = (
    "core.analytics.aggregates", "core.analytics.context", "core.analytics.metrics", "core.instagram.demo",
    "core.jobs.submission", "core.jobs.submission_limits", "core.settings", "core.storage.analyses",
    "core.storage.overview_frames", "ui.access_notice", "ui.cache", "ui.export_panel", "ui.kpis", "ui.layout",
    "ui.progress", "ui.running_results", "ui.sections", "ui.signin", "ui.state", "ui.store_errors", "ui.text",
    "ui.widgets")

_started = threading.Lock()
_thread: threading.Thread | None = None


def start_warm_up() -> threading.Thread:
    """Start the warm-up thread unless this process already has; return it."""
    global _thread
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_warm_up, name="reelscope-warm-up", daemon=True)
            _thread.start()
        return _thread


def _sample_reels():
    """Three synthetic reels with every documented column, as the store would give them."""
    from core.storage.queries import reels_frame_from_rows

    posted = datetime(2026, 1, 1, tzinfo=UTC)
    return reels_frame_from_rows([
        {"position": i, "media_id": str(i), "shortcode": f"warm{i}", "url": f"https://www.instagram.com/reel/warm{i}/",
         "caption": "warm-up #reel", "hashtags": ["reel"], "mentions": [], "posted_at": posted + timedelta(days=i),
         "plays": 1000 * (i + 1), "likes": 10 * (i + 1), "comments": i, "is_pinned": False} for i in range(3)])


def _warm_up() -> None:
    try:
        for name in PAGE_MODULES:
            importlib.import_module(name)
        import pyarrow as pa
        import pyarrow.parquet as pq
        from sqlalchemy import select
        from sqlalchemy.dialects import sqlite
        from sqlalchemy.orm import configure_mappers

        from core.analytics.aggregates import profile_summary
        from core.analytics.metrics import enrich_reels
        from core.analytics.overview_frame import overview_frame
        from core.storage.models import Analysis
        from ui import charts

        configure_mappers()  # SQLAlchemy maps the models on first use: do it now, and compile one statement
        select(Analysis).where(Analysis.id == "warm-up").compile(dialect=sqlite.dialect())

        frame = overview_frame(enrich_reels(_sample_reels(), 1000, datetime(2026, 2, 1, tzinfo=UTC)))
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
        pq.read_table(io.BytesIO(buffer.getvalue()), use_threads=False).to_pandas()
        for figure in (charts.plays_over_time(frame), charts.tier_distribution(frame)):
            figure.to_json()
        profile_summary(frame, {"followers": 1000})
    except Exception:  # noqa: BLE001 - a warm-up failing costs the first Results page time, nothing else
        log.warning("dashboard warm-up failed", exc_info=True)
