"""Watchlists: profiles re-analysed on a schedule, through the ordinary analysis pipeline.

A watch is due when it has never run, or when its last analysis started longer ago than its interval (less a small
tolerance, so a cron job firing at the same time every day is not skipped by a few milliseconds), and no analysis of
it is still pending or running. ``claim_due_watches`` is the one step every runner shares (the dashboard's
background thread, ``python -m core watch run-due``, the Celery beat task): it claims each due watch with one
conditional UPDATE and creates its pending analysis in the same transaction, so a watch never runs twice however
many processes call it at once (SQLite serialises writers; PostgreSQL re-checks the condition on the locked row).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, or_, select, update

from core.instagram.data_source import EMULATOR, current_data_source
from core.jobs import dispatch, leasing, submission, threads
from core.storage import analyses as store
from core.storage.engine import Database, get_database, retry_when_locked
from core.storage.models import Analysis, Status, Watch, utcnow
from core.watchlists import alerts

log = logging.getLogger("reelscope.watches")

DEFAULT_EVERY = "1d"
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_EVERY_DAYS = 3650
# The longest interval: ten years. It fits PostgreSQL's 32-bit integer column (at most 2,147,483,647 s, about 68
# years) and keeps every "next due" date far inside what datetimes (year 9999) and pandas (year 2262) can hold.
MAX_EVERY_SECONDS = MAX_EVERY_DAYS * 86400
MAX_TOLERANCE_SECONDS = 60.0
TOLERANCE_SHARE = 0.01
_DURATION = re.compile(r"^\s*(\d{1,9})\s*([smhd])\s*$", re.IGNORECASE)


class InvalidDuration(ValueError):
    """An interval that is not a whole positive number with a unit (30s, 90m, 12h, 1d, 7d)."""


class InvalidMaxReels(ValueError):
    """A reel cap outside 0..MAX_REELS_LIMIT (the same bounds as an analysis)."""


class UnknownWatch(LookupError):
    """Names that are not on the watchlist (nothing was removed)."""

    def __init__(self, usernames: list[str]) -> None:
        self.usernames = usernames
        super().__init__("Not watched: " + ", ".join(f"@{name}" for name in usernames))


def parse_duration(text: str) -> int:
    """Seconds in ``30s``, ``90m``, ``12h``, ``1d``, ``7d`` (at most ``MAX_EVERY_DAYS`` days); InvalidDuration
    otherwise."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise InvalidDuration(f"Invalid interval {text!r}: use a whole number and a unit, e.g. 30s, 90m, 12h, 1d, 7d.")
    seconds = int(match.group(1)) * DURATION_UNITS[match.group(2).lower()]
    check_interval(seconds, shown=text.strip())
    return seconds


def check_interval(every_seconds: int, shown: str | None = None) -> None:
    """InvalidDuration unless the interval is 1 s .. ``MAX_EVERY_DAYS`` days."""
    if not 0 < every_seconds <= MAX_EVERY_SECONDS:
        raise InvalidDuration(f"Invalid interval {shown or format_duration(every_seconds)!r}: it must be between 1s "
                              f"and {MAX_EVERY_DAYS}d.")


def check_max_reels(max_reels: int | None) -> None:
    """InvalidMaxReels unless ``max_reels`` is None or 0..MAX_REELS_LIMIT (the bounds of an analysis)."""
    try:
        submission.check_max_reels(max_reels)
    except ValueError as exc:
        raise InvalidMaxReels(str(exc)) from None


def effective_interval(every_seconds: int) -> int:
    """The interval the scheduler uses: a stored value out of bounds (written before they were enforced, or by
    hand) counts as the nearest bound, so one bad watch never breaks the listing or the runs of the others."""
    return max(1, min(int(every_seconds), MAX_EVERY_SECONDS))


def format_duration(seconds: int) -> str:
    """The largest unit that divides ``seconds`` exactly: 86400 → ``1d``, 5400 → ``90m``."""
    for unit, size in sorted(DURATION_UNITS.items(), key=lambda item: -item[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def due_tolerance(every_seconds: int) -> timedelta:
    """How early a watch counts as due: 1% of its interval, at most a minute (absorbs scheduler jitter)."""
    return timedelta(seconds=min(MAX_TOLERANCE_SECONDS, every_seconds * TOLERANCE_SHARE))


def next_due_at(last_run_at: datetime | None, every_seconds: int) -> datetime | None:
    """When the watch is next due; None when it has never run (due now)."""
    return None if last_run_at is None else last_run_at + timedelta(seconds=every_seconds)


def is_due(last_run_at: datetime | None, every_seconds: int, now: datetime) -> bool:
    """Never ran, or the last run started at least ``every_seconds`` (less the tolerance) before ``now``."""
    return last_run_at is None or now >= last_run_at + timedelta(seconds=every_seconds) - due_tolerance(every_seconds)


@dataclass(frozen=True)
class WatchState:
    """A watch as ``watch list``, the API and the Watchlist page show it."""

    username: str
    every_seconds: int
    max_reels: int | None
    last_analysis_id: str | None
    last_run_at: datetime | None
    last_status: str | None
    next_due_at: datetime | None
    due: bool
    created_at: datetime
    requested_by: str | None = None  # who added (or last re-added) the watch; its analyses record it too

    def to_json(self) -> dict:
        """The README: Watchlists and alerts object of ``watch list --json``."""
        return {"username": self.username, "every_seconds": self.every_seconds, "max_reels": self.max_reels,
                "last_analysis_id": self.last_analysis_id, "last_run_at": _iso(self.last_run_at),
                "next_due_at": _iso(self.next_due_at), "due": self.due}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


@retry_when_locked
def add_watches(db: Database, usernames: list[str] | str, every_seconds: int, max_reels: int | None = None,
                requested_by: str | None = None) -> list[str]:
    """Watch each profile (or change the interval and reel cap of one already watched); every name is validated
    first and nothing is stored if any is invalid. Returns the normalised names. ``requested_by``: who asked."""
    names = submission.validate_submission(usernames)  # the same rules and cap as a submission
    check_interval(every_seconds)
    check_max_reels(max_reels)
    with db.transaction() as session:
        for name in names:
            watch = session.get(Watch, name)
            if watch is None:
                session.add(Watch(username=name, every_seconds=every_seconds, max_reels=max_reels,
                                  requested_by=requested_by))
            else:
                watch.requested_by = requested_by or watch.requested_by
                watch.every_seconds = every_seconds
                if max_reels is not None:
                    watch.max_reels = max_reels
                watch.updated_at = utcnow()
    return names


@retry_when_locked
def remove_watches(db: Database, usernames: list[str] | str) -> list[str]:
    """Stop watching each profile; UnknownWatch (and nothing removed) when any name is not watched."""
    names = submission.validate_submission(usernames)
    with db.transaction() as session:
        watched = set(session.scalars(select(Watch.username).where(Watch.username.in_(names))))
        missing = [name for name in names if name not in watched]
        if missing:
            raise UnknownWatch(missing)
        session.execute(delete(Watch).where(Watch.username.in_(names)))
    return names


def list_watches(db: Database, now: datetime | None = None) -> list[WatchState]:
    """Every watch, alphabetically, with its last analysis's status and whether it is due at ``now``."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        rows = session.execute(select(Watch, Analysis.status).outerjoin(Analysis, Analysis.id == Watch.last_analysis_id)
                               .order_by(Watch.username)).all()
    return [_state(w, last_status, now) for w, last_status in rows]


def _state(watch: Watch, last_status: str | None, now: datetime) -> WatchState:
    every = effective_interval(watch.every_seconds)
    return WatchState(
        username=watch.username, every_seconds=every, max_reels=watch.max_reels,
        last_analysis_id=watch.last_analysis_id, last_run_at=watch.last_run_at, last_status=last_status,
        next_due_at=next_due_at(watch.last_run_at, every),
        due=is_due(watch.last_run_at, every, now) and last_status not in Status.ACTIVE,
        created_at=watch.created_at, requested_by=watch.requested_by)


def is_watched(db: Database, username: str) -> bool:
    """Whether the (normalised) profile is on the watchlist."""
    with db.session() as session:
        return session.get(Watch, username) is not None


def _active_run():
    """SQL: the watch's last analysis is still pending or processing."""
    return exists().where(Analysis.id == Watch.last_analysis_id, Analysis.status.in_(Status.ACTIVE))


@retry_when_locked
def _claim(db: Database, watch: WatchState, now: datetime, owner: str, lease_until: datetime | None,
           data_source: str) -> str | None:
    """Claim one watch (a conditional UPDATE) and create its pending analysis, in one transaction."""
    cutoff = now - timedelta(seconds=watch.every_seconds) + due_tolerance(watch.every_seconds)
    with db.transaction() as session:
        claimed = session.execute(
            update(Watch).where(Watch.username == watch.username,
                                or_(Watch.last_run_at.is_(None), Watch.last_run_at <= cutoff), ~_active_run())
            .values(last_run_at=now, updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            return None
        analysis = Analysis(username=watch.username, max_reels=watch.max_reels, owner=owner, status=Status.PENDING,
                            progress=0, data_source=data_source, is_demo=data_source == EMULATOR,
                            lease_expires_at=lease_until, requested_by=watch.requested_by,
                            status_message="Waiting to start (watchlist)")
        session.add(analysis)
        session.flush()
        session.execute(update(Watch).where(Watch.username == watch.username)
                        .values(last_analysis_id=analysis.id).execution_options(synchronize_session=False))
        return analysis.id


def claim_due_watches(db: Database, now: datetime | None = None) -> list[str]:
    """Claim every watch due at ``now`` and create its pending analysis; return the new analysis ids.

    The caller starts them (``dispatch.dispatch_many``). A watch another process claimed first is skipped.
    """
    now = now or datetime.now(UTC)
    owner, lease_until = leasing.pending_owner()
    data_source = current_data_source()
    if lease_until is not None:
        leasing.keep_leases(db)
    ids = []
    for watch in list_watches(db, now):
        if not watch.due:
            continue
        try:
            analysis_id = _claim(db, watch, now, owner, lease_until, data_source)
        except Exception:  # noqa: BLE001 - one watch that cannot be claimed never stops the others
            log.exception("could not start watch @%s", watch.username)
            continue
        if analysis_id is not None:
            log.info("watch @%s is due: analysis %s", watch.username, analysis_id)
            ids.append(analysis_id)
    return ids


def start_due_watches(db: Database | None = None, now: datetime | None = None) -> list[str]:
    """Claim the due watches and start their analyses where ``REELSCOPE_QUEUE`` says; return their ids."""
    db = db or get_database()
    ids = claim_due_watches(db, now)
    if ids:
        dispatch.dispatch_many(ids, db)
    return ids


def check_watchlist(db: Database | None = None, now: datetime | None = None) -> list[str]:
    """What every periodic runner does (the dashboard's scheduler, Celery beat): send the alerts earlier runs left
    undelivered, then start the due watches; the new analysis ids."""
    db = db or get_database()
    alerts.redeliver(db, now=now)
    return start_due_watches(db, now)


def run_due(db: Database | None = None, now: datetime | None = None, on_poll=None) -> list[store.AnalysisState]:
    """Send undelivered alerts, then run every due watch once, to completion (``python -m core watch run-due``);
    the finished analyses."""
    db = db or get_database()
    submission.recover_orphans(db)
    alerts.redeliver(db, now=now)
    ids = start_due_watches(db, now)
    if not ids:
        return []
    submission.wait_for(ids, db=db, poll=0.1, on_poll=on_poll)
    if leasing.queue_mode() == "thread":
        threads.get_runner().wait(ids)  # each run ends with its alerts stored and posted
    return [state for state in (store.get_state(db, i) for i in ids) if state is not None]

