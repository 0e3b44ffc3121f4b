"""The analysis lease: a process keeps the analyses it owns alive with a heartbeat; anyone reclaims lapsed ones.

Every analysis a process owns (waiting in its thread pool, or running) carries ``lease_expires_at``. One
``LeaseKeeper`` thread in each live ReelScope process (dashboard, API, CLI run, Celery worker process) renews
the leases of its own analyses every ``renew_every`` seconds, then reclaims every active analysis whose lease
has lapsed, whoever owned it: that process was killed, or its whole machine vanished. Analyses queued for any
Celery worker have no lease (NULL) until a worker starts them.

With the default 30 s lease, renewed and checked every 10 s, a killed process's analyses are reclaimed within
40 s. Hosts compare their own UTC clocks (keep them on NTP); the lease dwarfs ordinary clock skew.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update

from core.domain.errors import Interrupted
from core.settings import load_settings
from core.storage.analyses import failed_values
from core.storage.engine import Database, retry_when_locked
from core.storage.models import Analysis, Status, utcnow

log = logging.getLogger("reelscope.lease")

DEFAULT_LEASE_SECONDS = 30.0

Clock = Callable[[], datetime]
# Reclaims one lapsed analysis (id, owner, now); True when it did (another process may have been first).
Reclaim = Callable[[Database, str, "str | None", datetime], bool]


@dataclass(frozen=True)
class LeasePolicy:
    """How long a lease lasts; it is renewed (and lapsed ones are looked for) three times per lease."""

    seconds: float = DEFAULT_LEASE_SECONDS

    @property
    def renew_every(self) -> float:
        return self.seconds / 3

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.seconds)

    @classmethod
    def from_environment(cls) -> LeasePolicy:
        """``REELSCOPE_LEASE_SECONDS`` (default 30)."""
        return cls(load_settings().lease_seconds)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    """A lease has lapsed when its time has passed; no lease (queued for any worker) never lapses."""
    return expires_at is not None and expires_at < now


@retry_when_locked
def renew(db: Database, owner: str, now: datetime, policy: LeasePolicy) -> int:
    """Extend the lease of every active analysis ``owner`` holds; return how many."""
    with db.transaction() as session:
        result = session.execute(
            update(Analysis).where(Analysis.owner == owner, Analysis.status.in_(Status.ACTIVE))
            .values(lease_expires_at=policy.expires_at(now), updated_at=Analysis.updated_at))
        return result.rowcount


def lapsed(db: Database, now: datetime) -> list[tuple[str, str | None]]:
    """(id, owner) of every active analysis whose lease has lapsed."""
    with db.session() as session:
        rows = session.execute(select(Analysis.id, Analysis.owner).where(
            Analysis.status.in_(Status.ACTIVE), Analysis.lease_expires_at.is_not(None),
            Analysis.lease_expires_at < now)).all()
    return [(analysis_id, owner) for analysis_id, owner in rows]


def still_lapsed(analysis_id: str, owner: str | None, now: datetime) -> tuple:
    """The conditions under which reclaiming ``analysis_id`` is still right (for a conditional UPDATE)."""
    return (Analysis.id == analysis_id, Analysis.status.in_(Status.ACTIVE), Analysis.owner == owner,
            Analysis.lease_expires_at < now)


@retry_when_locked
def fail_lapsed(db: Database, analysis_id: str, owner: str | None, now: datetime) -> bool:
    """Reclaim by failing it as "interrupted" (Retry runs it again); False when it was renewed or taken meanwhile."""
    error = Interrupted(detail=f"the lease of {owner} lapsed at {now.isoformat()}")
    with db.transaction() as session:
        result = session.execute(update(Analysis).where(*still_lapsed(analysis_id, owner, now))
                                 .values(**failed_values(error)))
        return result.rowcount == 1


# Housekeeping chores other parts register (``add_chore``): each keeper runs them after every tick, e.g. deleting
# export files whose download link expired (core.exports.jobs.remove_expired_files).
Chore = Callable[[Database, datetime], object]
_chores: list[Chore] = []


def add_chore(chore: Chore) -> None:
    """Run ``chore(db, now)`` in every keeper's loop from now on (once, however often it is added)."""
    if chore not in _chores:
        _chores.append(chore)


class LeaseKeeper:
    """Renews one process's leases and reclaims lapsed ones, on a daemon thread (or by calling ``tick``)."""

    def __init__(self, db: Database, owner: str, policy: LeasePolicy | None = None, *, clock: Clock = utcnow,
                 reclaim: Reclaim = fail_lapsed, chores: Callable[[Database], None] | None = None) -> None:
        self.db = db
        self.chores = chores  # more housekeeping on the same loop (core.observability.housekeeping)
        self.owner = owner
        self.policy = policy or LeasePolicy.from_environment()
        self.clock = clock
        self.reclaim = reclaim
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """Renew our own leases first (so we never reclaim ourselves), then reclaim lapsed ones; their ids."""
        renew(self.db, self.owner, self.clock(), self.policy)
        now = self.clock()
        reclaimed = [analysis_id for analysis_id, owner in lapsed(self.db, now)
                     if self.reclaim(self.db, analysis_id, owner, now)]
        for analysis_id in reclaimed:
            log.warning("analysis %s: its process stopped renewing its lease; reclaimed", analysis_id)
        for chore in list(_chores):
            try:
                chore(self.db, now)
            except Exception:  # noqa: BLE001 - one failing chore must not stop the leases
                log.exception("housekeeping chore %s failed", getattr(chore, "__name__", chore))
        return reclaimed

    def start(self) -> LeaseKeeper:
        self._thread = threading.Thread(target=self._run, name="reelscope-lease", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while True:
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the heartbeat
                log.exception("lease renewal failed; trying again in %.0f s", self.policy.renew_every)
            if self.chores is not None:
                self.chores(self.db)
            if self._stop.wait(self.policy.renew_every):
                return


_keepers: dict[tuple[str, int], LeaseKeeper] = {}
_keepers_lock = threading.Lock()


def keep_leases(db: Database, owner: str, reclaim: Reclaim = fail_lapsed,
                chores: Callable[[Database], None] | None = None) -> LeaseKeeper:
    """This process's running keeper for ``db``, started on first use (again in a forked child)."""
    key = (db.url, os.getpid())
    with _keepers_lock:
        keeper = _keepers.get(key)
        if keeper is None or not keeper.running or keeper.owner != owner:
            keeper = _keepers[key] = LeaseKeeper(db, owner, reclaim=reclaim, chores=chores).start()
        return keeper


def stop_keepers() -> None:
    """Stop every keeper of this process (tests switch databases; a process that serves one never needs this)."""
    with _keepers_lock:
        keepers = list(_keepers.values())
        _keepers.clear()
    for keeper in keepers:
        keeper.stop()
