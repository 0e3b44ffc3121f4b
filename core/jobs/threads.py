"""``REELSCOPE_QUEUE=thread``: a process-wide thread pool that runs analyses in this process."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures

from core.settings import load_settings
from core.storage.engine import Database


class JobRunner:
    """A process-wide thread pool that runs analyses; the UI and CLI only submit ids to it."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or load_settings().workers
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="reelscope-job")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, analysis_id: str, db: Database | None = None) -> Future:
        # Imported where a job runs, not at module level: the API and pages import this module to submit, and the
        # pipeline loads instaloader, which a process that never runs a job in-process should not pay for.
        from core.jobs.pipeline import run_analysis

        future = self._executor.submit(run_analysis, analysis_id, db)
        with self._lock:
            self._futures = {k: f for k, f in self._futures.items() if not f.done()}
            self._futures[analysis_id] = future
        return future

    def wait(self, analysis_ids: list[str], timeout: float | None = None) -> None:
        """Wait until this pool's runs of these analyses have returned (their alerts delivered, too)."""
        with self._lock:
            futures = [self._futures[i] for i in analysis_ids if i in self._futures]
        wait_futures(futures, timeout=timeout)

    def running(self) -> int:
        with self._lock:
            return sum(1 for f in self._futures.values() if not f.done())

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)


_runner: JobRunner | None = None
_runner_lock = threading.Lock()


def get_runner() -> JobRunner:
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = JobRunner()
        return _runner
