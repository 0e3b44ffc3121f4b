"""Analysis jobs: create them (pending), run them in a thread pool, report progress through the store.

``run_analysis`` is the one job function; the thread pool here (and a Celery worker, where used)
only decides where it runs. Progress: user id resolved 10 → profile stored 30 → reels fetched
30-80 → stored 80-100 → completed; any failure → failed with a typed error.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from core.domain.errors import Cancelled, InternalError, ProfilePrivate, ReelScopeError, map_exception
from core.domain.usernames import RejectedUsername, parse_usernames
from core.instagram.scraper import FetchedReel, InstagramClient, get_client, profile_from_instaloader, withheld_fields
from core.jobs import lease
from core.logs import analysis_context, configure_logging
from core.settings import load_settings
from core.storage import analyses as store
from core.storage import columnar
from core.storage.engine import Database, get_database
from core.storage.models import Status, utcnow
from core.watchlists import alerts

log = logging.getLogger("reelscope.jobs")

PROGRESS_RESOLVED = 10
PROGRESS_PROFILE = 30
PROGRESS_FETCHED = 80
PROGRESS_INTERVAL_SECONDS = 0.25

_BOOT = f"{int(time.time())}"
# One thread writes the per-reel progress updates of every job in this process (see _ProgressReporter).
_progress_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelscope-progress")

WAIT_REASONS = {
    "rate_limited": "Instagram rate limit",
    "network": "Instagram did not answer",
    "bad_response": "Instagram sent an unreadable answer",
}


def process_owner() -> str:
    """Identifies this process (host, pid, start) as the owner of the analyses it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{_BOOT}"


def owner_is_alive(owner: str | None) -> bool:
    """Whether the process named by ``owner`` may still be running (unknown hosts are assumed alive)."""
    if not owner:
        return False
    try:
        host, pid, boot = owner.rsplit(":", 2)
    except ValueError:
        return False
    if owner == process_owner():
        return True
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return int(pid) != os.getpid()  # this pid but another start: the old process is gone


class InvalidSubmission(ValueError):
    """A submission with invalid usernames (nothing was created)."""

    def __init__(self, rejected: list[RejectedUsername], message: str | None = None) -> None:
        self.rejected = rejected
        super().__init__(message or "Invalid username(s): " + "; ".join(str(r) for r in rejected))


def expected_reels(media_count: int | None, max_reels: int | None, fetched: int) -> int:
    """How many reels progress is measured against: the cap, else the profile's post count (an upper bound)."""
    candidates = [n for n in (media_count, max_reels) if n is not None]
    expected = min(candidates) if candidates else fetched + 12
    return max(expected, fetched, 1)


def fetch_progress(fetched: int, expected: int) -> int:
    return PROGRESS_PROFILE + int((PROGRESS_FETCHED - PROGRESS_PROFILE) * min(fetched, expected) / expected)


@dataclass
class _ProgressReporter:
    """Writes a job's progress to the store and notices cancellation.

    Stage changes are written at once; the frequent per-reel updates are written by a background
    thread while the scraper waits on Instagram, so storing progress never slows the fetch. Every
    synchronous write first waits for the background one, so updates land in order.
    """

    db: Database
    analysis_id: str
    owner: str | None = None
    last_write: float = 0.0
    rate_limited_until: datetime | None = None
    _pending: Future | None = None

    def report(self, progress: int, message: str, reels_fetched: int | None = None, force: bool = True) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self.last_write = now
        cancel = self._settle()
        write = partial(store.update_progress, self.db, self.analysis_id, progress=progress, message=message,
                        reels_fetched=reels_fetched, rate_limited_until=self.rate_limited_until, owner=self.owner)
        if force:
            cancel = write() or cancel
        else:
            self._pending = _progress_writer.submit(write)
        if cancel:
            raise Cancelled()

    def _settle(self) -> bool:
        """Wait for the background write, if any; True when it saw a cancellation request."""
        pending, self._pending = self._pending, None
        return bool(pending.result()) if pending is not None else False

    def close(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.exception()  # wait; a failed progress write must not mask the job's own outcome

    def waiting(self, until: datetime, kind: str = "rate_limited") -> None:
        """Say in the job's status why it waits and when it resumes, so it never looks hung."""
        self._settle()
        self.rate_limited_until = until
        local = until.astimezone().strftime("%H:%M:%S")
        reason = WAIT_REASONS.get(kind, WAIT_REASONS["rate_limited"])
        cancel = store.update_progress(self.db, self.analysis_id, progress=self._current_progress(),
                                       message=f"{reason}: waiting, resumes at {local}", rate_limited_until=until,
                                       owner=self.owner)
        log.info("analysis %s waits until %s (%s)", self.analysis_id, until.isoformat(), kind)
        if cancel:
            raise Cancelled()

    def _current_progress(self) -> int:
        state = store.get_state(self.db, self.analysis_id)
        return state.progress if state else 0


def run_analysis(analysis_id: str, db: Database | None = None, client: InstagramClient | None = None) -> str:
    """Run one pending analysis to completion or failure; return its final status. Never raises."""
    configure_logging()
    with analysis_context(analysis_id):
        return _run_analysis(analysis_id, db, client)


def _current_status(db: Database, analysis_id: str) -> str:
    state = store.get_state(db, analysis_id)
    return state.status if state else "missing"


def _run_analysis(analysis_id: str, db: Database | None, client: InstagramClient | None) -> str:
    db = db or get_database()
    owner = process_owner()
    keep_leases(db)  # this process now holds a lease to renew
    if not store.mark_started(db, analysis_id, owner, lease_policy().expires_at(utcnow())):
        log.info("analysis %s is not pending; skipped", analysis_id)
        return _current_status(db, analysis_id)
    reporter = _ProgressReporter(db, analysis_id, owner)
    try:
        client = client or get_client()
        log.info("analysis started")
        _scrape_and_store(db, client, analysis_id, reporter)
        log.info("analysis completed")
        alerts.after_completion(db, analysis_id)  # a watch run's alerts; never raises, never fails the analysis
        return Status.COMPLETED
    except store.AnalysisNotRunning:
        # Deleted, reclaimed after a stall, or taken by another process: its row is someone else's now.
        reporter.close()
        log.info("analysis %s is no longer running here (deleted or reclaimed); stopped", analysis_id)
        return _current_status(db, analysis_id)
    except Exception as exc:  # noqa: BLE001 - the job records every failure instead of raising
        error = map_exception(exc) if not isinstance(exc, ReelScopeError) else exc
        if not isinstance(error, ReelScopeError):
            error = InternalError(detail=repr(exc))
        log.warning("analysis %s failed: %s (%s)", analysis_id, error.kind, error.detail or error.message)
        try:
            reporter.close()
            store.mark_failed_if_active(db, analysis_id, error, owner=owner)
        except Exception:  # noqa: BLE001
            log.exception("could not record the failure of analysis %s", analysis_id)
        return Status.FAILED


def _scrape_and_store(db: Database, client: InstagramClient, analysis_id: str, reporter: _ProgressReporter) -> None:
    state = store.get_state(db, analysis_id)
    assert state is not None
    username, max_reels = state.username, state.max_reels
    save_profile = partial(store.save_profile, db, analysis_id, owner=reporter.owner)
    complete = partial(store.complete_with_reels, db, analysis_id, owner=reporter.owner)

    page = client.fetch_profile(username, on_wait=reporter.waiting)
    profile = page.profile
    store.save_access(db, analysis_id, client.access.label, client.access.notice)
    reporter.report(PROGRESS_RESOLVED, "User id resolved; fetching the profile")

    if client.call(lambda: bool(profile.is_private), reporter.waiting):
        snapshot = client.call(lambda: profile_from_instaloader(profile), reporter.waiting)
        save_profile(snapshot)
        raise ProfilePrivate()

    if max_reels == 0:
        snapshot = client.call(lambda: profile_from_instaloader(profile), reporter.waiting)
        save_profile(snapshot)
        reporter.report(PROGRESS_FETCHED, "Storing 0 reels")
        complete([], withheld_fields([], client.access))
        return

    snapshot, listing = client.open_reels(page, on_wait=reporter.waiting)
    save_profile(snapshot)
    store.save_access(db, analysis_id, listing.access.label, listing.access.notice)
    expected = expected_reels(snapshot.media_count, max_reels, 0)
    reporter.report(PROGRESS_PROFILE, f"Profile stored; fetching reels 0 of up to {expected}", reels_fetched=0)

    reels: list[FetchedReel] = []
    while max_reels is None or len(reels) < max_reels:
        reel = client.next_reel(listing, on_wait=reporter.waiting)
        if reel is None:
            break
        reels.append(reel)
        reporter.rate_limited_until = None
        expected = expected_reels(snapshot.media_count, max_reels, len(reels))
        reporter.report(fetch_progress(len(reels), expected), f"Fetching reels {len(reels)} of up to {expected}",
                        reels_fetched=len(reels), force=False)

    if listing.detail_requests:
        log.info("%d detail requests for fields the %s lacked: %s", listing.detail_requests, listing.source,
                 dict(listing.detail_requests_by_field))
    reporter.report(PROGRESS_FETCHED, f"Storing {len(reels)} reels", reels_fetched=len(reels))
    complete(reels, withheld_fields(reels, listing.access))
    columnar.write_completed(db, analysis_id)  # the analytics cache; never raises (a reader rebuilds it)


class JobRunner:
    """A process-wide thread pool that runs analyses; the UI and CLI only submit ids to it."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or load_settings().workers
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="reelscope-job")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, analysis_id: str, db: Database | None = None) -> Future:
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


QUEUE_MODES = ("thread", "celery")
MAX_REELS_LIMIT = 100_000  # the largest "most recent N reels" accepted (CLI, API, dashboard)


def check_max_reels(max_reels: int | None) -> None:
    """ValueError with a sentence unless ``max_reels`` is None or 0..MAX_REELS_LIMIT."""
    if max_reels is not None and not 0 <= max_reels <= MAX_REELS_LIMIT:
        raise ValueError(f"max_reels must be between 0 and {MAX_REELS_LIMIT:,}, not {max_reels}")


def queue_mode() -> str:
    """``REELSCOPE_QUEUE``: ``thread`` (this process's pool runs jobs) or ``celery`` (workers run them)."""
    mode = load_settings().queue.lower()
    if mode not in QUEUE_MODES:
        raise ValueError(f"REELSCOPE_QUEUE must be one of {', '.join(QUEUE_MODES)}, not {mode!r}")
    return mode


def pending_owner() -> tuple[str, datetime | None]:
    """Who owns a pending analysis, and its lease: this process (thread pool, which then renews the lease),
    or the Celery queue (no process, no lease until a worker starts it)."""
    if queue_mode() == "celery":
        from core.jobs.dispatch import QUEUED_OWNER
        return QUEUED_OWNER, None
    return process_owner(), lease_policy().expires_at(utcnow())


def lease_policy() -> lease.LeasePolicy:
    return lease.LeasePolicy.from_environment()


def _reclaim_lapsed(db: Database, analysis_id: str, owner: str | None, now: datetime) -> bool:
    """A lapsed lease: fail the analysis as interrupted (Retry runs it again), or with Celery hand it to
    another worker (``core.jobs.dispatch.requeue_lapsed``, which gives up after ``REELSCOPE_MAX_DELIVERIES``)."""
    if queue_mode() == "celery":
        from core.jobs.dispatch import requeue_lapsed
        return requeue_lapsed(db, analysis_id, owner, now)
    return lease.fail_lapsed(db, analysis_id, owner, now)


def keep_leases(db: Database) -> lease.LeaseKeeper:
    """Start (once per process and database) renewing this process's leases and reclaiming lapsed ones."""
    return lease.keep_leases(db, process_owner(), reclaim=_reclaim_lapsed)


def dispatch_many(analysis_ids: list[str], db: Database | None = None) -> None:
    """Start stored pending analyses: in this process's thread pool, or enqueued for Celery workers."""
    if queue_mode() == "celery":
        from core.jobs.dispatch import enqueue
        enqueue(list(analysis_ids), db)  # failures to enqueue are recorded on the analyses
        return
    runner = get_runner()
    for analysis_id in analysis_ids:
        runner.submit(analysis_id, db)


def dispatch(analysis_id: str, db: Database | None = None) -> None:
    """Start one stored pending analysis where ``REELSCOPE_QUEUE`` says (never runs it in the caller)."""
    dispatch_many([analysis_id], db)


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
                    start: bool = True) -> list[str]:
    """Validate every name first (nothing is stored if any is invalid), store them pending, start them."""
    names = validate_submission(usernames)
    check_max_reels(max_reels)
    db = db or get_database()
    owner, lease_until = pending_owner()
    if lease_until is not None:
        keep_leases(db)
    ids = store.insert_analyses(db, names, max_reels, owner, is_demo=load_settings().demo,
                                lease_expires_at=lease_until)
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
                    reuse_within: timedelta | None = None) -> list[Submission]:
    """Like ``create_analyses``, but a profile analysed (completed, same reel cap) within ``reuse_within``
    is answered by that stored analysis instead of a new scrape; ``reuse_within=None`` always scrapes."""
    names = validate_submission(usernames)
    db = db or get_database()
    reused: dict[str, store.AnalysisState] = {}
    if reuse_within is not None and reuse_within.total_seconds() > 0:
        cutoff = datetime.now(UTC) - reuse_within
        for name in names:
            recent = store.latest_completed(db, name, max_reels)
            if recent is not None and recent.finished_at is not None and recent.finished_at >= cutoff:
                reused[name] = recent
    fresh = [name for name in names if name not in reused]
    new_ids = dict(zip(fresh, create_analyses(fresh, max_reels, db=db), strict=True)) if fresh else {}
    return [Submission(reused[name].analysis_id, name, reused[name].finished_at) if name in reused
            else Submission(new_ids[name], name) for name in names]


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
