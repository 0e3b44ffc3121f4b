"""This process's own metrics: how long its analyses took, the watch runs it finished, and what it is.

Each analysis runs in exactly one process, so Prometheus summing these over the scraped processes counts each once.
Figures that live in the store (analyses by status, queue, workers, exports) are read at scrape time instead
(core.observability.store_collector).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from prometheus_client import Counter, Gauge, Histogram

import core

# From a few seconds (a missing profile) to hours (thousands of reels behind a rate limit).
DURATION_BUCKETS = (1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400)

ANALYSIS_DURATION = Histogram(
    "reelscope_analysis_duration_seconds", "Wall time of an analysis run, from start to completion or failure.",
    ["status"], buckets=DURATION_BUCKETS)
WATCH_RUNS = Counter("reelscope_watch_runs", "Watch runs (scheduled re-analyses) finished, by status.", ["status"])
BUILD_INFO = Gauge("reelscope_build_info", "Always 1; the labels say which ReelScope and instaloader run.",
                   ["version", "instaloader"], multiprocess_mode="max")


def _instaloader_version() -> str:
    try:
        return version("instaloader")
    except PackageNotFoundError:
        return "unknown"


BUILD_INFO.labels(core.__version__, _instaloader_version()).set(1)


def observe_analysis(status: str, seconds: float, watch_run: bool) -> None:
    """Record one finished analysis run of this process (``status``: completed or failed)."""
    ANALYSIS_DURATION.labels(status).observe(max(0.0, seconds))
    if watch_run:
        WATCH_RUNS.labels(status).inc()
