"""Sending stored alerts to ``REELSCOPE_ALERT_WEBHOOK_URL``: each alert delivered at least once, recorded as
delivered exactly once, and retried by later runs up to a cap.

A run (the analysis that raised the alert, then each later ``watch run-due``, scheduler poll or beat tick) first
*claims* an alert with one conditional UPDATE: not delivered, fewer than ``REELSCOPE_ALERT_DELIVERY_ROUNDS`` runs so
far, and no other run holding it. The claim counts the run and holds the alert for as long as a run of attempts can
last, so two processes never send it at once; an alert left by a crash is claimable again once the hold lapses.
Delivery is recorded with ``delivered_at`` set only where it is still NULL. After a failed run the alert waits
(5 min, doubling per run, at most 6 h) before a later run may try it again.

States shown by ``alerts --json``, the API and the Watchlist page: ``delivered``; ``pending`` (a later run sends
it); ``failed`` (every allowed run failed; ``delivery_error`` says why); ``no_webhook`` (none is set).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Callable

from sqlalchemy import or_, select, update

from core.settings import Settings, load_settings
from core.storage.engine import Database, retry_when_locked
from core.storage.models import Alert, utcnow
from core.watchlists import webhook

log = logging.getLogger("reelscope.alerts")

DELIVERED, PENDING, FAILED, NO_WEBHOOK = "delivered", "pending", "failed", "no_webhook"
DELIVERY_STATES = (DELIVERED, PENDING, FAILED, NO_WEBHOOK)
REDELIVERY_BATCH = 50  # alerts a later run re-sends at most (oldest first)
HOLD_MARGIN_SECONDS = 30.0
# after a failed run, the next run may try the alert only after this long, doubling each run (5, 10, 20, 40 min …):
# the dashboard's scheduler polls every minute, and an outage should not use up every run in a few minutes
RETRY_AFTER = timedelta(minutes=5)
MAX_RETRY_AFTER = timedelta(hours=6)


def delivery_state(alert: Alert, settings: Settings) -> str:
    """One of DELIVERY_STATES for a stored alert under the settings in force."""
    if alert.delivered_at is not None:
        return DELIVERED
    if (alert.delivery_rounds or 0) >= settings.alert_delivery_rounds:
        return FAILED
    return PENDING if settings.alert_webhook_url else NO_WEBHOOK


def delivery_json(alert: Alert, settings: Settings | None = None) -> dict:
    """The delivery keys of an alert object: state, attempts so far, the last error, when it was delivered."""
    settings = settings or load_settings()
    return {"delivery_state": delivery_state(alert, settings), "delivery_attempts": alert.delivery_attempts or 0,
            "delivery_error": alert.delivery_error,
            "delivered_at": alert.delivered_at.astimezone(UTC).isoformat() if alert.delivered_at else None}


def hold_for(settings: Settings) -> timedelta:
    """How long one run may hold an alert: every attempt's deadline plus the longest backoffs, and a margin."""
    attempts = settings.alert_webhook_attempts
    return timedelta(seconds=attempts * (settings.alert_webhook_timeout + webhook.BACKOFF_MAX_SECONDS)
                     + HOLD_MARGIN_SECONDS)


def retry_after(rounds: int) -> timedelta:
    """How long an alert waits after its ``rounds``-th failed run before the next run may try it."""
    return min(MAX_RETRY_AFTER, RETRY_AFTER * 2 ** max(0, min(rounds - 1, 16)))


def _claimable(now: datetime, settings: Settings):
    return (Alert.delivered_at.is_(None), Alert.delivery_rounds < settings.alert_delivery_rounds,
            or_(Alert.delivery_claimed_until.is_(None), Alert.delivery_claimed_until < now))


@retry_when_locked
def claim(db: Database, alert_id: str, settings: Settings, now: datetime | None = None) -> bool:
    """Take this run's turn at the alert (counted); False when it is delivered, out of runs, or held by another."""
    now = now or utcnow()
    with db.transaction() as session:
        return session.execute(
            update(Alert).where(Alert.id == alert_id, *_claimable(now, settings))
            .values(delivery_rounds=Alert.delivery_rounds + 1, delivery_claimed_until=now + hold_for(settings))
            .execution_options(synchronize_session=False)).rowcount == 1


@retry_when_locked
def record(db: Database, alert_id: str, outcome: webhook.Delivery, now: datetime | None = None) -> None:
    """Add the attempts made, keep the last error; on failure hold the alert for ``retry_after`` its runs so far;
    set delivered_at once (never overwritten)."""
    now = now or utcnow()
    with db.transaction() as session:
        rounds = session.scalar(select(Alert.delivery_rounds).where(Alert.id == alert_id)) or 1
        session.execute(update(Alert).where(Alert.id == alert_id).values(
            delivery_attempts=Alert.delivery_attempts + outcome.attempts,
            delivery_error=None if outcome.ok else outcome.error,
            delivery_claimed_until=None if outcome.ok else now + retry_after(rounds))
            .execution_options(synchronize_session=False))
        if outcome.ok:
            session.execute(update(Alert).where(Alert.id == alert_id, Alert.delivered_at.is_(None))
                            .values(delivered_at=utcnow()).execution_options(synchronize_session=False))


def send(db: Database, alerts: list[Alert], payload: Callable[[Alert], dict], settings: Settings | None = None,
         stop_at_first_failure: bool = False, now: datetime | None = None) -> int:
    """Claim and POST each alert, recording each outcome; returns how many were delivered. Never raises."""
    settings = settings or load_settings()
    if not settings.alert_webhook_url:
        return 0
    delivered = 0
    for alert in alerts:
        try:
            if not claim(db, alert.id, settings, now):
                continue
            outcome = webhook.post_json(settings.alert_webhook_url, payload(alert),
                                        attempts=settings.alert_webhook_attempts,
                                        timeout=settings.alert_webhook_timeout)
            record(db, alert.id, outcome, now)
        except Exception:  # noqa: BLE001 - a webhook problem never fails the analysis or the run
            log.error("could not deliver or record alert %s", alert.id)
            continue
        delivered += outcome.ok
        if not outcome.ok and stop_at_first_failure:
            log.warning("the webhook is still failing; %s and later alerts wait for the next run", alert.id)
            break
    return delivered


def undelivered(db: Database, settings: Settings, now: datetime | None = None,
                limit: int = REDELIVERY_BATCH) -> list[Alert]:
    """Alerts a run may send now (not delivered, runs left, not held), oldest first."""
    now = now or utcnow()
    with db.session() as session:
        return list(session.scalars(select(Alert).where(*_claimable(now, settings))
                                    .order_by(Alert.created_at, Alert.id).limit(limit)))
