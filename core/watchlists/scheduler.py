"""A background thread that starts due watches while a long-running process (the dashboard) is alive.

Each check first re-sends undelivered alerts (core.watchlists.delivery), then calls the same claim step as
``watch run-due`` and Celery beat (core.watchlists.watches), so running it in several
dashboards next to a beat never starts a watch twice. ``REELSCOPE_WATCH_POLL_SECONDS`` (default 60; 0 turns it off).
"""

from __future__ import annotations

import logging
import threading

from core.observability.housekeeping import housekeeping
from core.settings import load_settings
from core.storage.engine import Database
from core.watchlists.watches import check_watchlist

log = logging.getLogger("reelscope.watches")


class WatchScheduler:
    """``start()`` checks at once, then every ``poll_seconds``; ``stop()`` ends the thread. Never raises."""

    def __init__(self, db: Database, poll_seconds: float) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.checks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="reelscope-watches", daemon=True)

    def start(self) -> WatchScheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                started = check_watchlist(self.db)
                if started:
                    log.info("started %d due watch analyses", len(started))
            except Exception:  # noqa: BLE001 - a failed check is retried at the next poll
                log.exception("could not check the watchlist")
            housekeeping(self.db, runs_analyses=load_settings().queue == "thread")  # never raises
            self.checks += 1
            self._stop.wait(self.poll_seconds)


def start_scheduler(db: Database) -> WatchScheduler | None:
    """Start the watch scheduler for ``db`` unless ``REELSCOPE_WATCH_POLL_SECONDS`` is 0."""
    poll = load_settings().watch_poll_seconds
    return WatchScheduler(db, poll).start() if poll > 0 else None
