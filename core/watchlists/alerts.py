"""Alerts computed after each completed watch analysis, stored, and POSTed to ``REELSCOPE_ALERT_WEBHOOK_URL``.

- ``viral_reel``: a reel the previous snapshot did not have (core.analytics.growth.new_reels) whose plays exceed
  ``REELSCOPE_VIRAL_MULTIPLE`` (default 3) × the creator's median plays in this snapshot; when Instagram withheld
  the reel's plays, the same test runs on views, then on likes (``metric`` says which was used).
- ``follower_change``: followers moved by more than ``REELSCOPE_FOLLOWER_CHANGE_PERCENT`` (default 5) percent since
  the previous snapshot.

Nothing here can fail an analysis: ``after_completion`` logs and swallows every error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import select

from core.analytics.growth import new_reels
from core.settings import Settings, load_settings
from core.storage.engine import Database, retry_when_locked
from core.storage.models import Alert, Watch
from core.storage.snapshots import Snapshot, snapshot_with_previous
from core.watchlists import delivery

log = logging.getLogger("reelscope.alerts")

VIRAL_REEL = "viral_reel"
FOLLOWER_CHANGE = "follower_change"
ALERT_KINDS = (VIRAL_REEL, FOLLOWER_CHANGE)
VIRAL_METRICS = ("plays", "views", "likes")  # the first one known for the reel (and for the creator) is used


@dataclass(frozen=True)
class Finding:
    """An alert before it is stored."""

    kind: str
    subject: str
    shortcode: str | None
    metric: str
    value: float
    threshold: float
    message: str


def _known(values: pd.Series) -> np.ndarray:
    array = values.to_numpy(dtype="float64", na_value=np.nan)
    return array[np.isfinite(array)]


def viral_reels(previous: Snapshot, current: Snapshot, multiple: float) -> list[Finding]:
    """New reels above ``multiple`` × the creator's median, on plays, else views, else likes."""
    fresh = new_reels(previous.reels, current.reels)
    medians = {}
    for metric in VIRAL_METRICS:
        known = _known(current.reels[metric])
        medians[metric] = float(np.median(known)) if known.size else None
    findings = []
    for _, reel in fresh.iterrows():
        for metric in VIRAL_METRICS:
            value, median = reel[metric], medians[metric]
            if pd.isna(value) or median is None or median <= 0:
                continue
            threshold = multiple * median
            if value > threshold:
                findings.append(Finding(
                    VIRAL_REEL, str(reel["media_id"]), reel["shortcode"], metric, float(value), threshold,
                    f"@{current.profile.get('username') or ''}: new reel {reel['shortcode']} has {int(value):,} "
                    f"{metric}, {value / median:.1f}× the creator's median ({median:,.0f})"))
            break  # the first metric known for this reel decides
    return findings


def follower_change(previous: Snapshot, current: Snapshot, threshold_percent: float) -> list[Finding]:
    """Followers moved by more than ``threshold_percent`` since the previous snapshot (unknown counts: no alert)."""
    before, after = previous.profile.get("followers"), current.profile.get("followers")
    if before is None or after is None or before <= 0:
        return []
    change = 100.0 * (after - before) / before
    if abs(change) <= threshold_percent:
        return []
    return [Finding(FOLLOWER_CHANGE, "followers", None, "followers", round(change, 4), threshold_percent,
                    f"@{current.profile.get('username') or ''}: followers {before:,} → {after:,} ({change:+.1f}%)")]


def detect(previous: Snapshot | None, current: Snapshot, settings: Settings) -> list[Finding]:
    """Every alert the current snapshot raises against the previous one (none for a profile's first snapshot)."""
    if previous is None:
        return []
    return (viral_reels(previous, current, settings.viral_multiple)
            + follower_change(previous, current, settings.follower_change_percent))


def is_watch_run(db: Database, analysis_id: str) -> bool:
    """Whether this analysis is a watch's latest run (the claim records it in the same transaction)."""
    with db.session() as session:
        return session.scalar(select(Watch.username).where(Watch.last_analysis_id == analysis_id)) is not None


@retry_when_locked
def _store(db: Database, current: Snapshot, previous: Snapshot, findings: list[Finding]) -> list[Alert]:
    username = current.profile.get("username") or ""
    with db.transaction() as session:
        existing = {(kind, subject) for kind, subject in session.execute(
            select(Alert.kind, Alert.subject).where(Alert.analysis_id == current.analysis_id))}
        alerts = [Alert(analysis_id=current.analysis_id, previous_analysis_id=previous.analysis_id,
                        username=username, kind=f.kind, subject=f.subject, shortcode=f.shortcode, metric=f.metric,
                        value=f.value, threshold=f.threshold, message=f.message, delivery_attempts=0)
                  for f in findings if (f.kind, f.subject) not in existing]
        session.add_all(alerts)
    return alerts


def record_alerts(db: Database, analysis_id: str, settings: Settings | None = None) -> list[Alert]:
    """Compute and store the alerts of a completed analysis (idempotent: an alert is stored once)."""
    settings = settings or load_settings()
    current, previous = snapshot_with_previous(db, analysis_id)
    if current is None or previous is None:
        return []
    findings = detect(previous, current, settings)
    return _store(db, current, previous, findings) if findings else []


def alert_json(alert: Alert) -> dict:
    """The README: Watchlists and alerts object (``alerts --json``, the API, the webhook body), plus metric and message."""
    return {"alert_id": alert.id, "username": alert.username, "kind": alert.kind, "analysis_id": alert.analysis_id,
            "shortcode": alert.shortcode, "value": alert.value, "threshold": alert.threshold,
            "created_at": alert.created_at.astimezone(UTC).isoformat(), "metric": alert.metric,
            "message": alert.message, "previous_analysis_id": alert.previous_analysis_id,
            "url": f"https://www.instagram.com/reel/{alert.shortcode}/" if alert.shortcode else None}


def alert_record(alert: Alert, settings: Settings | None = None) -> dict:
    """``alert_json`` plus its delivery (core.watchlists.delivery): what ``alerts --json``, the API and the Watchlist
    page show."""
    return {**alert_json(alert), **delivery.delivery_json(alert, settings)}


def deliver(db: Database, alerts: list[Alert], settings: Settings | None = None) -> int:
    """POST each alert to the webhook, when one is set; record the outcome on the alert. Stops at the first failure:
    the rest wait for a later run (so a dead receiver holds a run for one alert's attempts only). Never raises."""
    return delivery.send(db, alerts, alert_json, settings, stop_at_first_failure=True)


def redeliver(db: Database, settings: Settings | None = None, now: datetime | None = None) -> int:
    """Send the alerts earlier runs left undelivered (failures, crashes) and now due again (core.watchlists.delivery),
    oldest first, each within its cap of runs;
    stops at the first failure (the receiver is still down). Returns how many were delivered. Never raises."""
    settings = settings or load_settings()
    if not settings.alert_webhook_url:
        return 0
    try:
        waiting = delivery.undelivered(db, settings, now)
    except Exception:  # noqa: BLE001 - a later run tries again
        log.exception("could not look for undelivered alerts")
        return 0
    return delivery.send(db, waiting, alert_json, settings, stop_at_first_failure=True, now=now)


def after_completion(db: Database, analysis_id: str) -> list[Alert]:
    """The job's last step for a watch run: store its alerts, then deliver them. Never raises."""
    try:
        if not is_watch_run(db, analysis_id):
            return []
        alerts = record_alerts(db, analysis_id)
    except Exception:  # noqa: BLE001 - an alert problem never fails the analysis
        log.exception("could not compute the alerts of analysis %s", analysis_id)
        return []
    for alert in alerts:
        log.info("alert %s: %s", alert.kind, alert.message)
    deliver(db, alerts)
    return alerts


def list_alerts(db: Database, username: str | None = None, limit: int = 200,
                since: datetime | None = None) -> list[Alert]:
    """Stored alerts, newest first."""
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id).limit(limit)
    if username:
        query = query.where(Alert.username == username)
    if since is not None:
        query = query.where(Alert.created_at >= since)
    with db.session() as session:
        return list(session.scalars(query))
