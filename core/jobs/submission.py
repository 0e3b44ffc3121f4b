"""Submitting analyses: validate names, store them pending, start them; retry, cancel, wait, recover."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.domain.errors import Cancelled
from core.domain.usernames import RejectedUsername, parse_usernames
from core.instagram.data_source import current_data_source
from core.instagram.session import next_access_kind
from core.jobs.dispatch import dispatch, dispatch_many
from core.jobs.leasing import keep_leases, pending_owner
from core.jobs.owners import owner_is_alive
from core.settings import load_settings
from core.storage import analyses as store
from core.storage.engine import Database, get_database
from core.storage.models import ANONYMOUS, Status

MAX_REELS_LIMIT = 100_000  # the largest "most recent N reels" accepted (CLI, API, dashboard)


class InvalidSubmission(ValueError):
    """A submission with invalid usernames (nothing was created)."""

    def __init__(self, rejected: list[RejectedUsername], message: str | None = None) -> None:
        self.rejected = rejected
        super().__init__(message or "Invalid username(s): " + "; ".join(str(r) for r in rejected))


def check_max_reels(max_reels: int | None) -> None:
    """ValueError with a sentence unless ``max_reels`` is None or 0..MAX_REELS_LIMIT."""
    if max_reels is not None and not 0 <= max_reels <= MAX_REELS_LIMIT:
        raise ValueError(f"max_reels must be between 0 and {MAX_REELS_LIMIT:,}, not {max_reels}")


def validate_submission(usernames: list[str] | str) -> list[str]:
    """Normalised, deduplicated names; InvalidSubmission when any is invalid or there are too many."""
    valid, rejected = parse_usernames(usernames)
    if rejected:
        raise InvalidSubmission(rejected)
    if not valid:
        raise InvalidSubmission([RejectedUsername("", "is empty")], "Type at least one Instagram username.")
    cap = load_settings().max_usernames_per_submission
    if len(valid) > cap:
        raise InvalidSubmission([], f"Too many usernames in one submission: {len(valid)} (at most {cap}).")
    return valid


def create_analyses(usernames: list[str] | str, max_reels: int | None = None, *, db: Database | None = None,
                    start: bool = True, requested_by: str | None = None,
                    requested_access: str | None = None) -> list[str]:
    """Validate every name first (nothing is stored if any is invalid), store them pending, start them.
    ``requested_by`` names who asked; ``requested_access`` "anonymous" runs them without the stored session."""
    names = validate_submission(usernames)
    check_max_reels(max_reels)
    db = db or get_database()
    owner, lease_until = pending_owner()
    if lease_until is not None:
        keep_leases(db)
    ids = store.insert_analyses(db, names, max_reels, owner, data_source=current_data_source(),
                                lease_expires_at=lease_until, requested_by=requested_by,
                                requested_access=requested_access)
    if start:
        dispatch_many(ids, db)
    return ids


@dataclass(frozen=True)
class Submission:
    """One submitted username: the analysis that answers it, and whether it is a recent one reused."""

    analysis_id: str
    username: str
    reused_from: datetime | None = None

    @property
    def reused(self) -> bool:
        return self.reused_from is not None


def submit_analyses(usernames: list[str] | str, max_reels: int | None = None, *, db: Database | None = None,
                    reuse_within: timedelta | None = None, requested_by: str | None = None,
                    requested_access: str | None = None) -> list[Submission]:
    """Like ``create_analyses``, but a profile analysed (completed, same reel cap, same data source, same access:
    anonymous or logged in) within ``reuse_within`` is answered by that stored analysis instead of a new scrape;
    ``reuse_within=None`` always scrapes."""
    names = validate_submission(usernames)
    db = db or get_database()
    reused: dict[str, store.AnalysisState] = {}
    if reuse_within is not None and reuse_within.total_seconds() > 0:
        cutoff = datetime.now(UTC) - reuse_within
        source = current_data_source()  # an answer never comes from another source (demo vs Instagram)
        # nor from another access (anonymous analyses have no plays): the access this request sets out with
        access = ANONYMOUS if requested_access == ANONYMOUS else next_access_kind()
        for name in names:
            recent = store.latest_completed(db, name, max_reels, source, access)
            if recent is not None and recent.finished_at is not None and recent.finished_at >= cutoff:
                reused[name] = recent
    fresh = [name for name in names if name not in reused]
    new_ids = dict(zip(fresh, create_analyses(fresh, max_reels, db=db, requested_by=requested_by,
                                              requested_access=requested_access), strict=True)) if fresh else {}
    return [Submission(reused[name].analysis_id, name, reused[name].finished_at) if name in reused
            else Submission(new_ids[name], name) for name in names]


def access_asked_for(state: store.AnalysisState) -> str | None:
    """The access a re-run of this analysis keeps: the one it was asked for, or (made before that was recorded)
    anonymous when it ran anonymously."""
    return state.requested_access or (ANONYMOUS if state.access == ANONYMOUS else None)


def create_analysis(username: str, max_reels: int | None = None, *, db: Database | None = None) -> str:
    """Store one pending analysis and start it; return its id at once."""
    return create_analyses([username], max_reels, db=db)[0]


def retry_analysis(analysis_id: str, *, db: Database | None = None) -> bool:
    db = db or get_database()
    owner, lease_until = pending_owner()
    if lease_until is not None:
        keep_leases(db)
    if not store.reset_for_retry(db, analysis_id, owner, lease_until):
        return False
    dispatch(analysis_id, db)
    return True


def cancel_analysis(analysis_id: str, *, db: Database | None = None) -> bool:
    """Ask an active analysis to stop; it ends failed "cancelled by user". False when it is not active.

    A running job notices at its next step; one whose process is gone (or that is still queued with
    nobody running it) is failed here at once.
    """
    db = db or get_database()
    if not store.request_cancel(db, analysis_id):
        return False
    state = store.get_state(db, analysis_id)
    owner = store.owner_of(db, analysis_id)
    if state is not None and (state.status == Status.PENDING or not owner_is_alive(owner)):
        store.mark_failed_if_active(db, analysis_id, Cancelled())
    return True


def recover_orphans(db: Database | None = None) -> int:
    """At a process's start: fail analyses left pending/processing by a process of this host that no longer
    runs, and from then on keep leases (``keep_leases``: lapsed analyses of any host are reclaimed)."""
    db = db or get_database()
    keep_leases(db)
    return store.fail_orphans(db, owner_is_alive)


def wait_for(analysis_ids: list[str], db: Database | None = None, timeout: float | None = None,
             poll: float = 0.2, on_poll=None) -> list[store.AnalysisState]:
    """Poll the store until every analysis has finished (or the timeout passes)."""
    db = db or get_database()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        states = [store.get_state(db, i) for i in analysis_ids]
        if on_poll is not None:
            on_poll(states)
        if all(s is None or not s.is_active for s in states):
            return [s for s in states if s is not None]
        if deadline is not None and time.monotonic() > deadline:
            return [s for s in states if s is not None]
        time.sleep(poll)
