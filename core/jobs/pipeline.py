"""The analysis pipeline: ``run_analysis`` takes one stored pending analysis to completed or failed.

It is the one job function; ``core.jobs.threads`` (or a Celery worker, ``core.jobs.celery_tasks``)
only decides where it runs. Progress: user id resolved 10 → profile stored 30 → reels fetched
30-80 → stored 80-100 → completed; any failure → failed with a typed error.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from core.domain.errors import Cancelled, InternalError, ProfilePrivate, ReelScopeError
from core.instagram.error_mapping import map_exception
from core.instagram.scraper import InstagramClient, get_client, profile_from_instaloader, withheld_fields
from core.jobs.leasing import keep_leases, lease_policy
from core.jobs.owners import process_owner
from core.jobs.reel_pages import ReelPages, expected_reels
from core.logs import analysis_context, configure_logging
from core.observability.process_metrics import observe_analysis
from core.storage import analyses as store
from core.storage import columnar, overview_frames, topics
from core.storage.engine import Database, get_database
from core.storage.models import ANONYMOUS, Status, utcnow
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
    started = time.monotonic()
    try:
        requested = store.get_state(db, analysis_id)
        client = client or get_client(anonymous=requested is not None and requested.requested_access == ANONYMOUS)
        log.info("analysis started")
        _scrape_and_store(db, client, analysis_id, reporter)
        log.info("analysis completed")
        alerts.after_completion(db, analysis_id)  # a watch run's alerts; never raises, never fails the analysis
        _observe(db, analysis_id, Status.COMPLETED, started)
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
        _observe(db, analysis_id, Status.FAILED, started)
        return Status.FAILED


def _observe(db: Database, analysis_id: str, status: str, started: float) -> None:
    """This process's duration histogram and watch-run counter (core.observability.process_metrics); never raises."""
    try:
        observe_analysis(status, time.monotonic() - started, watch_run=alerts.is_watch_run(db, analysis_id))
    except Exception:  # noqa: BLE001 - metrics never fail an analysis
        log.exception("could not record the metrics of analysis %s", analysis_id)


def _scrape_and_store(db: Database, client: InstagramClient, analysis_id: str, reporter: _ProgressReporter) -> None:
    state = store.get_state(db, analysis_id)
    assert state is not None
    username, max_reels = state.username, state.max_reels
    save_profile = partial(store.save_profile, db, analysis_id, owner=reporter.owner)

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
        _complete(db, analysis_id, reporter, withheld_fields([], client.access))
        return

    snapshot, listing = client.open_reels(page, on_wait=reporter.waiting)
    save_profile(snapshot)  # the profile first: a running analysis's Results show it above the reels so far
    store.save_access(db, analysis_id, listing.access.label, listing.access.notice)
    expected = expected_reels(snapshot.media_count, max_reels, 0)
    reporter.report(PROGRESS_PROFILE, f"Profile stored; fetching reels 0 of up to {expected}", reels_fetched=0)

    # Each listing page's reels are stored as soon as the page has been read, in their own transaction.
    pages = ReelPages(partial(store.store_reel_page, db, analysis_id, owner=reporter.owner))
    listing.on_page_end = pages.page_ended
    opened_as, switch_recorded = listing.access.label, False
    while max_reels is None or pages.count < max_reels:
        reel = client.next_reel(listing, on_wait=reporter.waiting)
        if listing.switched_notice and not switch_recorded:  # signed-in listings refused mid-run: say so now
            store.save_access(db, analysis_id, opened_as, listing.switched_notice)
            switch_recorded = True
        if reel is None:
            break
        if not pages.add(reel):
            continue
        reporter.rate_limited_until = None
        fetched = pages.count
        expected = expected_reels(snapshot.media_count, max_reels, fetched)
        reporter.report(fetch_progress(fetched, expected), f"Fetching reels {fetched} of up to {expected}",
                        reels_fetched=fetched, force=False)

    if listing.detail_requests:
        log.info("%d detail requests for fields the %s lacked: %s", listing.detail_requests, listing.source,
                 dict(listing.detail_requests_by_field))
    reporter.report(PROGRESS_FETCHED, f"Storing {pages.count} reels", reels_fetched=pages.count)
    pages.page_ended()  # the last page (or the part of it within max_reels)
    _complete(db, analysis_id, reporter, withheld_fields(pages.fetched, listing.access))


def _complete(db: Database, analysis_id: str, reporter: _ProgressReporter, withheld: list[str]) -> None:
    """The one step that ends a run: mark the analysis completed (one transaction) and write its analytics caches."""
    store.complete_stored(db, analysis_id, withheld, owner=reporter.owner)
    columnar.write_completed(db, analysis_id)  # the analytics cache; never raises (a reader rebuilds it)
    overview_frames.prepare_when_completed(db, analysis_id)  # so Results' first chart reads it; never raises
    topics.compute_when_completed(db, analysis_id)  # so no page waits for them; never raises
