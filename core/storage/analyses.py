"""Reading and writing analyses, profile snapshots and reels. The caller passes the Database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Callable, Iterable, Sequence

from sqlalchemy import delete, func, insert, select, update

from core.domain.errors import ReelScopeError
from core.domain.fetched import FetchedProfile, FetchedReel
from core.domain.reel_fields import BY_NAME, FETCHED_NAMES
from core.storage.engine import Database, retry_when_locked
from core.storage.models import Analysis, ProfileSnapshot, Reel, Status, utcnow


class AnalysisNotRunning(Exception):
    """The analysis a job is writing is no longer its running one: deleted, reclaimed (core.jobs.lease) or retried."""


@dataclass(frozen=True)
class AnalysisState:
    """An analysis as a page, the CLI or the API shows it."""

    analysis_id: str
    username: str
    status: str
    progress: int
    message: str | None
    error: str | None
    error_kind: str | None
    max_reels: int | None
    reels_fetched: int
    reels_stored: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rate_limited_until: datetime | None
    is_demo: bool = False
    data_source: str = "instagram"
    access: str | None = None
    access_notice: str | None = None
    withheld_fields: tuple[str, ...] | None = None
    requested_by: str | None = None
    requested_access: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status in Status.ACTIVE

    @property
    def is_partial(self) -> bool:
        """Its stored reels are not (yet) the whole analysis: it runs, waits or failed; only completion ends that."""
        return self.status != Status.COMPLETED

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left, extrapolated from progress so far; None before there is enough to go on."""
        if self.status != Status.PROCESSING or self.started_at is None or self.progress < 10:
            return None
        now = datetime.now(UTC)
        if self.rate_limited_until and self.rate_limited_until > now:
            return (self.rate_limited_until - now).total_seconds()
        elapsed = (now - self.started_at).total_seconds()
        return max(0.0, elapsed * (100 - self.progress) / self.progress)


def _state(analysis: Analysis, reels_stored: int) -> AnalysisState:
    return AnalysisState(
        analysis_id=analysis.id, username=analysis.username, status=analysis.status,
        progress=analysis.progress, message=analysis.status_message, error=analysis.error,
        error_kind=analysis.error_kind, max_reels=analysis.max_reels, reels_fetched=analysis.reels_fetched,
        reels_stored=reels_stored, created_at=analysis.created_at, updated_at=analysis.updated_at,
        started_at=analysis.started_at, finished_at=analysis.finished_at,
        rate_limited_until=analysis.rate_limited_until, is_demo=bool(analysis.is_demo),
        data_source=analysis.data_source or "instagram",
        access=analysis.access, access_notice=analysis.access_notice,
        withheld_fields=tuple(analysis.withheld_fields) if analysis.withheld_fields is not None else None,
        requested_by=analysis.requested_by, requested_access=analysis.requested_access,
    )


@retry_when_locked
def insert_analyses(db: Database, usernames: Sequence[str], max_reels: int | None, owner: str | None,
                    data_source: str = "instagram", lease_expires_at: datetime | None = None,
                    requested_by: str | None = None, requested_access: str | None = None) -> list[str]:
    """Create one pending analysis per username, all in one transaction; return their ids in order."""
    with db.transaction() as session:
        analyses = [Analysis(username=name, max_reels=max_reels, owner=owner, status=Status.PENDING, progress=0,
                             data_source=data_source, is_demo=data_source == "emulator",
                             lease_expires_at=lease_expires_at, requested_by=requested_by,
                             requested_access=requested_access,
                             status_message="Waiting to start") for name in usernames]
        session.add_all(analyses)
        session.flush()
        return [a.id for a in analyses]


def get_state(db: Database, analysis_id: str) -> AnalysisState | None:
    with db.session() as session:
        analysis = session.get(Analysis, analysis_id)
        if analysis is None:
            return None
        count = session.scalar(select(func.count()).select_from(Reel).where(Reel.analysis_id == analysis_id))
        return _state(analysis, count or 0)


def list_states(db: Database, *, username: str | None = None, status: str | None = None,
                limit: int = 200, ids: Iterable[str] | None = None) -> list[AnalysisState]:
    """Analyses newest first, with their stored reel counts."""
    counts = select(Reel.analysis_id, func.count().label("n")).group_by(Reel.analysis_id).subquery()
    query = (select(Analysis, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.analysis_id == Analysis.id)
             .order_by(Analysis.created_at.desc()).limit(limit))
    if username:
        query = query.where(Analysis.username == username)
    if status:
        query = query.where(Analysis.status == status)
    if ids is not None:
        query = query.where(Analysis.id.in_(list(ids)))
    with db.session() as session:
        return [_state(a, n) for a, n in session.execute(query).all()]


@retry_when_locked
def update_progress(db: Database, analysis_id: str, *, progress: int, message: str,
                    reels_fetched: int | None = None, status: str = Status.PROCESSING,
                    rate_limited_until: datetime | None = None, owner: str | None = None) -> bool:
    """Record progress; return True when the user asked to cancel this analysis.

    Raises ``AnalysisNotRunning`` when it is not running any more (under ``owner``, when given).
    """
    values: dict = {"progress": progress, "status_message": message, "status": status,
                    "rate_limited_until": rate_limited_until, "updated_at": utcnow()}
    if reels_fetched is not None:
        values["reels_fetched"] = reels_fetched
    with db.transaction() as session:
        # Only a running analysis takes progress: a late write can never reopen a finished one.
        running = update(Analysis).where(Analysis.id == analysis_id, Analysis.status == Status.PROCESSING)
        if owner is not None:
            running = running.where(Analysis.owner == owner)
        if session.execute(running.values(**values)).rowcount != 1:
            raise AnalysisNotRunning(analysis_id)
        return bool(session.scalar(select(Analysis.cancel_requested).where(Analysis.id == analysis_id)))


@retry_when_locked
def mark_started(db: Database, analysis_id: str, owner: str, lease_expires_at: datetime | None = None) -> bool:
    """Move a pending analysis to processing; False when it is not pending any more (taken or deleted).

    A run starts afresh: reels an earlier run of it stored (before a crash, a kill or a failure) are replaced
    by what this run stores, never added to."""
    with db.transaction() as session:
        result = session.execute(
            update(Analysis).where(Analysis.id == analysis_id, Analysis.status == Status.PENDING)
            .values(status=Status.PROCESSING, progress=0, started_at=utcnow(), updated_at=utcnow(), owner=owner,
                    lease_expires_at=lease_expires_at, reels_fetched=0,
                    status_message="Resolving the username", error=None, error_kind=None, error_detail=None))
        if result.rowcount != 1:
            return False
        session.execute(delete(Reel).where(Reel.analysis_id == analysis_id))
        return True


@retry_when_locked
def save_profile(db: Database, analysis_id: str, profile: FetchedProfile, owner: str | None = None) -> None:
    """Store (or replace) the analysis's profile snapshot; ``AnalysisNotRunning`` when ``owner`` no longer runs
    it, or it was deleted."""
    with db.transaction() as session:
        _lock_active(session, analysis_id, owner)
        session.execute(delete(ProfileSnapshot).where(ProfileSnapshot.analysis_id == analysis_id))
        session.add(ProfileSnapshot(
            analysis_id=analysis_id, instagram_user_id=profile.user_id, username=profile.username,
            full_name=profile.full_name, biography=profile.biography, followers=profile.followers,
            following=profile.following, media_count=profile.media_count, is_private=profile.is_private,
            is_verified=profile.is_verified, profile_pic_url=profile.profile_pic_url))


@retry_when_locked
def save_access(db: Database, analysis_id: str, access: str, notice: str | None) -> None:
    """Record how the analysis reaches Instagram ("anonymous" / "logged in as @name") and any notice about it."""
    with db.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == analysis_id).values(
            access=access, access_notice=notice, updated_at=utcnow()))


# Stored but not fetched: the listing order and the video flag (ReelScope keeps video posts only).
_SET_WHEN_STORED = ("position", "is_video")
_REEL_INSERT_COLUMNS = ("analysis_id", *_SET_WHEN_STORED, *FETCHED_NAMES)
_fetched_values = attrgetter(*FETCHED_NAMES)
_TIMES_AT = tuple(i for i, name in enumerate(FETCHED_NAMES) if BY_NAME[name].kind == "datetime")
_LISTS_AT = tuple(i for i, name in enumerate(FETCHED_NAMES) if BY_NAME[name].kind == "list")


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def reel_rows(analysis_id: str, reels: Sequence[FetchedReel], first_position: int = 0) -> list[dict]:
    return [{"analysis_id": analysis_id, "position": position, "is_video": True,
             **{name: _plain(value) for name, value in zip(FETCHED_NAMES, _fetched_values(r), strict=True)}}
            for position, r in enumerate(reels, start=first_position)]


def _stored_time(value: datetime) -> str:
    """What ``UTCDateTime`` and SQLite's DATETIME bind processor store: naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; pass a UTC-aware datetime")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def sqlite_reel_rows(analysis_id: str, reels: Sequence[FetchedReel], json_dumps: Callable[[object], str],
                     first_position: int = 0) -> list[tuple]:
    """``reel_rows`` as tuples in ``_REEL_INSERT_COLUMNS`` order, already in the form SQLAlchemy's bind processors
    give SQLite (times as text, JSON arrays serialised once per distinct tuple, None as SQL NULL), for one DBAPI
    executemany."""
    texts: dict[tuple, str] = {}

    def json_text(items: Sequence[str]) -> str:
        key = tuple(items)
        text = texts.get(key)
        if text is None:
            text = texts[key] = json_dumps(list(key))
        return text

    rows = []
    for position, r in enumerate(reels, start=first_position):
        values = list(_fetched_values(r))
        for i in _TIMES_AT:
            if values[i] is not None:
                values[i] = _stored_time(values[i])
        for i in _LISTS_AT:
            if values[i] is not None:
                values[i] = json_text(values[i])
        rows.append((analysis_id, position, True, *values))
    return rows


def _insert_reels(session, analysis_id: str, reels: Sequence[FetchedReel], first_position: int = 0) -> None:
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(Reel), reel_rows(analysis_id, reels, first_position))
        return
    # SQLite: one executemany of pre-converted tuples; the Core insert of dicts spent most of its time running
    # the type processors (UTCDateTime, JSON) and building parameters row by row.
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(Reel.__table__.name)} ({', '.join(quote(c) for c in _REEL_INSERT_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _REEL_INSERT_COLUMNS)})")
    json_dumps = getattr(dialect, "_json_serializer", None) or json.dumps
    connection.exec_driver_sql(sql, sqlite_reel_rows(analysis_id, reels, json_dumps, first_position))


@retry_when_locked
def complete_with_reels(db: Database, analysis_id: str, reels: Sequence[FetchedReel],
                        withheld_fields: Sequence[str] | None = None, owner: str | None = None) -> None:
    """Replace the analysis's reels and mark it completed, in one transaction (idempotent).

    ``withheld_fields``: the export fields Instagram sent no value for (None: not recorded).
    ``AnalysisNotRunning`` (nothing changed) when ``owner`` no longer runs it, or it was deleted.
    """
    unique = _unique_by_media_id(reels)
    with db.transaction() as session:
        _lock_active(session, analysis_id, owner, status=Status.COMPLETED, progress=100,
                     status_message=f"Completed: {len(unique)} reels stored", reels_fetched=len(unique),
                     finished_at=utcnow(), rate_limited_until=None, lease_expires_at=None,
                     withheld_fields=list(withheld_fields) if withheld_fields is not None else None)
        session.execute(delete(Reel).where(Reel.analysis_id == analysis_id))
        if unique:
            _insert_reels(session, analysis_id, unique)


@retry_when_locked
def store_reel_page(db: Database, analysis_id: str, reels: Sequence[FetchedReel], first_position: int,
                    owner: str | None = None) -> None:
    """Store one listing page of a running analysis's reels, in its own short transaction, at positions
    ``first_position``, ``first_position + 1``, …; the caller passes each media id once per run
    (``core.jobs.reel_pages``). ``AnalysisNotRunning`` (nothing stored) when ``owner`` no longer runs it."""
    if not reels:
        return
    with db.transaction() as session:
        _lock_active(session, analysis_id, owner)
        _insert_reels(session, analysis_id, reels, first_position)


@retry_when_locked
def complete_stored(db: Database, analysis_id: str, withheld_fields: Sequence[str] | None = None,
                    owner: str | None = None) -> int:
    """Mark a running analysis completed with the reels its pages stored (``store_reel_page``); return their
    number. One transaction; ``AnalysisNotRunning`` (nothing changed) when ``owner`` no longer runs it."""
    with db.transaction() as session:
        stored = session.scalar(select(func.count()).select_from(Reel).where(Reel.analysis_id == analysis_id)) or 0
        _lock_active(session, analysis_id, owner, status=Status.COMPLETED, progress=100,
                     status_message=f"Completed: {stored} reels stored", reels_fetched=stored,
                     finished_at=utcnow(), rate_limited_until=None, lease_expires_at=None,
                     withheld_fields=list(withheld_fields) if withheld_fields is not None else None)
        return stored


def _lock_active(session, analysis_id: str, owner: str | None, **values) -> None:
    """Update (and so lock) the analysis row while ``owner`` runs it (any existing row when ``owner`` is None);
    ``AnalysisNotRunning`` when it is not."""
    active = update(Analysis).where(Analysis.id == analysis_id)
    if owner is not None:
        active = active.where(Analysis.owner == owner, Analysis.status.in_(Status.ACTIVE))
    if session.execute(active.values(updated_at=utcnow(), **values)).rowcount != 1:
        raise AnalysisNotRunning(analysis_id)


def _unique_by_media_id(reels: Sequence[FetchedReel]) -> list[FetchedReel]:
    seen: set[str] = set()
    unique = []
    for reel in reels:
        if reel.media_id not in seen:
            seen.add(reel.media_id)
            unique.append(reel)
    return unique


def failed_values(error: ReelScopeError) -> dict:
    """What failing an analysis writes: its state, the error's kind, sentence and detail, and the end of its run.
    The one definition every "mark failed" (here, core.jobs.lease, core.jobs.celery_queue) uses."""
    now = utcnow()
    return {"status": Status.FAILED, "error_kind": error.kind, "error": error.message, "error_detail": error.detail,
            "status_message": error.message, "finished_at": now, "updated_at": now, "rate_limited_until": None,
            "lease_expires_at": None}


@retry_when_locked
def mark_failed(db: Database, analysis_id: str, error: ReelScopeError) -> None:
    """Fail the analysis with its error kind and sentence; reels of other analyses are untouched."""
    with db.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id == analysis_id).values(**failed_values(error)))


@retry_when_locked
def request_cancel(db: Database, analysis_id: str) -> bool:
    """Ask a pending or running analysis to stop; False when it is not active."""
    with db.transaction() as session:
        result = session.execute(update(Analysis).where(Analysis.id == analysis_id,
                                                        Analysis.status.in_(Status.ACTIVE))
                                 .values(cancel_requested=True, updated_at=utcnow()))
        return result.rowcount == 1


@retry_when_locked
def reset_for_retry(db: Database, analysis_id: str, owner: str,
                    lease_expires_at: datetime | None = None) -> bool:
    """Put a failed analysis back to pending (its partial data is replaced when it runs again)."""
    with db.transaction() as session:
        result = session.execute(update(Analysis).where(Analysis.id == analysis_id,
                                                        Analysis.status == Status.FAILED)
                                 .values(status=Status.PENDING, progress=0, error=None, error_kind=None,
                                         error_detail=None, cancel_requested=False, owner=owner,
                                         lease_expires_at=lease_expires_at,
                                         status_message="Waiting to start (retry)", reels_fetched=0,
                                         started_at=None, finished_at=None, updated_at=utcnow()))
        return result.rowcount == 1


@retry_when_locked
def delete_analysis(db: Database, analysis_id: str) -> bool:
    with db.transaction() as session:
        session.execute(delete(Reel).where(Reel.analysis_id == analysis_id))
        session.execute(delete(ProfileSnapshot).where(ProfileSnapshot.analysis_id == analysis_id))
        deleted = session.execute(delete(Analysis).where(Analysis.id == analysis_id)).rowcount == 1
    from core.storage.columnar import (
        remove,  # its analytics-cache file (core.storage.columnar), after the rows are gone
    )

    remove(analysis_id)
    return deleted


def fail_orphans(db: Database, owners_alive: Callable[[str | None], bool]) -> int:
    """Mark active analyses whose owning process is gone as failed ("interrupted")."""
    from core.domain.errors import Interrupted
    with db.session() as session:
        active = session.execute(select(Analysis.id, Analysis.owner).where(Analysis.status.in_(Status.ACTIVE))).all()
    orphans = [analysis_id for analysis_id, owner in active if not owners_alive(owner)]
    for analysis_id in orphans:
        mark_failed(db, analysis_id, Interrupted())
    return len(orphans)


def analysis_ids_for_username(db: Database, username: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Analysis.id).where(Analysis.username == username)))


def analysis_ids_older_than(db: Database, cutoff: datetime) -> list[str]:
    """Finished analyses created before ``cutoff`` (active ones are never purged)."""
    with db.session() as session:
        return list(session.scalars(select(Analysis.id).where(Analysis.created_at < cutoff,
                                                              Analysis.status.not_in(Status.ACTIVE))))


def job_counts(db: Database, since: datetime) -> dict[str, int]:
    """Analyses by status: pending and processing overall, completed and failed since ``since``."""
    with db.session() as session:
        active = dict(session.execute(select(Analysis.status, func.count()).where(Analysis.status.in_(Status.ACTIVE))
                                      .group_by(Analysis.status)).all())
        recent = dict(session.execute(select(Analysis.status, func.count())
                                      .where(Analysis.status.not_in(Status.ACTIVE), Analysis.finished_at >= since)
                                      .group_by(Analysis.status)).all())
    return {"pending": active.get(Status.PENDING, 0), "processing": active.get(Status.PROCESSING, 0),
            "completed_last_hour": recent.get(Status.COMPLETED, 0), "failed_last_hour": recent.get(Status.FAILED, 0)}


def latest_completed(db: Database, username: str, max_reels: int | None,
                     data_source: str | None = None, access_kind: str | None = None) -> AnalysisState | None:
    """The newest completed analysis of a profile made with the same reel cap (and, when given, from the same
    data source and with the same kind of access: ``anonymous`` or ``logged in``), if any."""
    cap = Analysis.max_reels.is_(None) if max_reels is None else Analysis.max_reels == max_reels
    source = Analysis.data_source == data_source if data_source is not None else True
    if access_kind is None:
        access = True
    elif access_kind == "anonymous":
        access = Analysis.access == "anonymous"
    else:
        access = Analysis.access.like(f"{access_kind}%")
    with db.session() as session:
        analysis_id = session.scalar(select(Analysis.id).where(Analysis.username == username,
                                                               Analysis.status == Status.COMPLETED, cap, source,
                                                               access)
                                     .order_by(Analysis.finished_at.desc()).limit(1))
    return get_state(db, analysis_id) if analysis_id else None


def owner_of(db: Database, analysis_id: str) -> str | None:
    with db.session() as session:
        return session.scalar(select(Analysis.owner).where(Analysis.id == analysis_id))


@retry_when_locked
def mark_failed_if_active(db: Database, analysis_id: str, error: ReelScopeError, owner: str | None = None) -> bool:
    """Fail the analysis only while it is pending or processing (under ``owner``, when given); never overwrite a
    finished one, nor one another process has taken since."""
    active = update(Analysis).where(Analysis.id == analysis_id, Analysis.status.in_(Status.ACTIVE))
    if owner is not None:
        active = active.where(Analysis.owner == owner)
    with db.transaction() as session:
        result = session.execute(active.values(**failed_values(error)))
        return result.rowcount == 1
