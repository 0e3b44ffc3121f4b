"""Built-in system alerts for one machine without Prometheus: the conditions of the Prometheus rules in
``deploy/prometheus/`` (error rate, no worker, Instagram refusing a route, disk, slower analyses), checked by the
housekeeping loop and sent through the watchlists' alert webhook with ``"kind": "system_alert"``.

An incident is one ``system_alerts`` row: it opens when its condition holds (at most one open per rule, whichever
process checks: a unique index on ``open_rule``), and resolves when the condition no longer holds. After it
resolves, the same rule waits ``REELSCOPE_SYSTEM_ALERT_COOLDOWN_SECONDS`` before opening another. Each incident
sends two webhook messages, ``firing`` then ``resolved``; a message that cannot be delivered stays due and is
retried on the next check, and a delivery is claimed first so that two processes never send the same message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from core.observability.figures import Figures, collect_figures
from core.settings import Settings, load_settings
from core.storage.engine import Database
from core.storage.models import SystemAlert, utcnow
from core.watchlists import webhook

log = logging.getLogger("reelscope.system_alerts")

KIND = "system_alert"
MIN_RECENT_FOR_SLOWDOWN = 5
MIN_BASELINE_FOR_SLOWDOWN = 10
DELIVERY_CLAIM = timedelta(minutes=2)


@dataclass(frozen=True)
class Condition:
    """One rule's verdict: whether it holds, the measured value, its threshold and a sentence for people."""

    rule: str
    firing: bool
    value: float | None
    threshold: float
    message: str


def error_rate_condition(figures: Figures, settings: Settings) -> Condition:
    threshold = settings.system_alert_error_rate
    finished = figures.completed_15m + figures.failed_15m
    rate = figures.error_rate
    firing = rate is not None and finished >= settings.system_alert_min_finished and rate >= threshold
    measured = ("No analysis finished in the last 15 minutes" if rate is None
                else f"{rate:.0%} of the {finished} analyses finished in the last 15 minutes failed")
    return Condition("error_rate", firing, rate, threshold,
                     f"{measured} (alert at {threshold:.0%}, from {settings.system_alert_min_finished} analyses).")


def no_worker_condition(figures: Figures, settings: Settings) -> Condition:
    threshold = settings.system_alert_worker_silence_seconds
    age = figures.newest_worker_age_seconds
    if settings.queue != "celery":  # thread mode: the process checking is the worker
        return Condition("no_worker", False, age, threshold, "Analyses run in this process (REELSCOPE_QUEUE=thread).")
    firing = (age is None and figures.queue_depth > 0) or (age is not None and age > threshold)
    seen = "No worker was ever seen" if age is None else f"No worker was seen for {age:.0f} s"
    return Condition("no_worker", firing, age, threshold,
                     f"{seen}; {figures.queue_depth} analyses are waiting (alert after {threshold:.0f} s).")


def instagram_refusals_condition(figures: Figures, settings: Settings) -> Condition:
    threshold = float(settings.system_alert_refusals)
    route, refused = max(figures.refusals_15m.items(), key=lambda item: item[1], default=("", 0))
    firing = refused >= threshold
    message = (f"Instagram refused {route} {refused} times in the last 15 minutes." if refused
               else "Instagram refused no request in the last 15 minutes.")
    return Condition("instagram_refusals", firing, float(refused), threshold, message)


def disk_condition(figures: Figures, settings: Settings) -> Condition:
    threshold = settings.system_alert_disk_free_percent
    free = figures.disk_free_percent
    return Condition("disk_space", free < threshold, free, threshold,
                     f"{free:.1f} % of the disk holding {figures.disk_path} is free (alert under {threshold:g} %).")


def slowdown_condition(figures: Figures, settings: Settings) -> Condition:
    threshold = settings.system_alert_slowdown
    recent, baseline = figures.p95_seconds_last_hour, figures.p95_seconds_last_24h
    enough = (figures.completed_last_hour >= MIN_RECENT_FOR_SLOWDOWN
              and figures.completed_last_24h >= MIN_BASELINE_FOR_SLOWDOWN and recent and baseline)
    ratio = recent / baseline if enough else None
    firing = ratio is not None and ratio > threshold
    message = (f"95 % of the last hour's analyses took up to {recent:.0f} s, {ratio:.1f}× the last 24 hours' "
               f"{baseline:.0f} s (alert above {threshold:g}×)." if ratio is not None
               else "Too few analyses completed to compare durations.")
    return Condition("slow_analyses", firing, ratio, threshold, message)


RULES = (error_rate_condition, no_worker_condition, instagram_refusals_condition, disk_condition, slowdown_condition)


def evaluate(figures: Figures, settings: Settings) -> list[Condition]:
    """Every rule's verdict on ``figures`` (pure)."""
    return [rule(figures, settings) for rule in RULES]


def _open_incident(db: Database, condition: Condition, now: datetime, cooldown: timedelta) -> SystemAlert | None:
    with db.transaction() as session:
        last_resolved = session.scalar(select(SystemAlert.resolved_at).where(
            SystemAlert.rule == condition.rule, SystemAlert.resolved_at.is_not(None))
            .order_by(SystemAlert.resolved_at.desc()).limit(1))
        if last_resolved is not None and now - last_resolved < cooldown:
            return None
        alert = SystemAlert(rule=condition.rule, open_rule=condition.rule, message=condition.message,
                            value=condition.value, threshold=condition.threshold, started_at=now,
                            delivery_attempts=0)
        session.add(alert)
    return alert


def apply(db: Database, conditions: list[Condition], now: datetime, settings: Settings) -> None:
    """Open an incident for each rule that holds and has none open; resolve the open ones that no longer hold."""
    cooldown = timedelta(seconds=settings.system_alert_cooldown_seconds)
    with db.session() as session:
        open_rules = set(session.scalars(select(SystemAlert.open_rule).where(SystemAlert.open_rule.is_not(None))))
    for condition in conditions:
        if condition.firing and condition.rule not in open_rules:
            try:
                if _open_incident(db, condition, now, cooldown) is not None:
                    log.warning("system alert %s: %s", condition.rule, condition.message)
            except IntegrityError:  # another process opened it first
                pass
        elif not condition.firing and condition.rule in open_rules:
            with db.transaction() as session:
                session.execute(update(SystemAlert).where(SystemAlert.open_rule == condition.rule)
                                .values(open_rule=None, resolved_at=now))
            log.info("system alert %s resolved: %s", condition.rule, condition.message)


def alert_json(alert: SystemAlert, state: str) -> dict:
    """The webhook body of one message of an incident (``state``: firing or resolved)."""
    message = alert.message if state == "firing" else f"Resolved: {alert.message}"
    return {"kind": KIND, "alert_id": alert.id, "rule": alert.rule, "state": state, "message": message,
            "value": alert.value, "threshold": alert.threshold, "started_at": alert.started_at.isoformat(),
            "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None}


def _claim(db: Database, alert_id: str, now: datetime) -> bool:
    with db.transaction() as session:
        result = session.execute(update(SystemAlert).where(
            SystemAlert.id == alert_id,
            or_(SystemAlert.sending_until.is_(None), SystemAlert.sending_until < now))
            .values(sending_until=now + DELIVERY_CLAIM))
        return result.rowcount == 1


def _due(db: Database) -> list[SystemAlert]:
    with db.session() as session:
        return list(session.scalars(select(SystemAlert).where(or_(
            SystemAlert.fired_delivered_at.is_(None),
            SystemAlert.resolved_at.is_not(None) & SystemAlert.resolved_delivered_at.is_(None)))
            .order_by(SystemAlert.started_at)))


def deliver(db: Database, settings: Settings, now: datetime) -> int:
    """Send every due message (an incident's firing, then its resolution); the number delivered. Never raises."""
    if not settings.alert_webhook_url:
        return 0
    delivered = 0
    for alert in _due(db):
        if not _claim(db, alert.id, now):
            continue
        values: dict = {"sending_until": None}
        for state, column in (("firing", "fired_delivered_at"), ("resolved", "resolved_delivered_at")):
            if getattr(alert, column) is not None or (state == "resolved" and alert.resolved_at is None):
                continue
            outcome = webhook.post_json(settings.alert_webhook_url, alert_json(alert, state),
                                        attempts=settings.alert_webhook_attempts,
                                        timeout=settings.alert_webhook_timeout)
            values["delivery_attempts"] = alert.delivery_attempts + outcome.attempts
            alert.delivery_attempts = values["delivery_attempts"]
            values["delivery_error"] = outcome.error
            if not outcome.ok:
                break  # the resolution is never sent before the firing message
            values[column] = utcnow()
            delivered += 1
        with db.transaction() as session:
            session.execute(update(SystemAlert).where(SystemAlert.id == alert.id).values(**values))
    return delivered


def check_system_alerts(db: Database, now: datetime | None = None, settings: Settings | None = None) -> list[Condition]:
    """One check: read the figures, open and resolve incidents, deliver what is due; the verdicts."""
    settings = settings or load_settings()
    now = now or utcnow()
    conditions = evaluate(collect_figures(db, now), settings)
    apply(db, conditions, now, settings)
    deliver(db, settings, now)
    return conditions


def recent_alerts(db: Database, limit: int = 20) -> list[dict]:
    """Open incidents first, then the latest resolved ones, as plain dicts (Health page, ``health --json``)."""
    with db.session() as session:
        rows = list(session.scalars(select(SystemAlert)
                                    .order_by(SystemAlert.resolved_at.is_not(None), SystemAlert.started_at.desc())
                                    .limit(limit)))
    return [{**alert_json(alert, "resolved" if alert.resolved_at else "firing"),
             "delivered": alert.fired_delivered_at is not None
             and (alert.resolved_at is None or alert.resolved_delivered_at is not None),
             "delivery_error": alert.delivery_error} for alert in rows]


THRESHOLD_SETTINGS = {  # rule -> the setting holding its threshold (shown on the Health page)
    "error_rate": "REELSCOPE_SYSTEM_ALERT_ERROR_RATE", "no_worker": "REELSCOPE_SYSTEM_ALERT_WORKER_SILENCE_SECONDS",
    "instagram_refusals": "REELSCOPE_SYSTEM_ALERT_REFUSALS", "disk_space": "REELSCOPE_SYSTEM_ALERT_DISK_FREE_PERCENT",
    "slow_analyses": "REELSCOPE_SYSTEM_ALERT_SLOWDOWN"}


def system_section(db: Database, now: datetime | None = None, settings: Settings | None = None) -> dict:
    """The figures, each rule's verdict now with its threshold, and the active and recent incidents: the Health
    page's and ``health --json``'s ``system`` section."""
    settings = settings or load_settings()
    figures = collect_figures(db, now or utcnow())
    return {"figures": figures.as_json(),
            "rules": [{"rule": c.rule, "holds": c.firing, "value": c.value, "threshold": c.threshold,
                       "setting": THRESHOLD_SETTINGS[c.rule], "message": c.message}
                      for c in evaluate(figures, settings)],
            "alerts": recent_alerts(db),
            "webhook": bool(settings.alert_webhook_url), "check_seconds": settings.system_alert_check_seconds}
