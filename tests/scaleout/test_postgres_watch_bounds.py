"""Issue 22 on PostgreSQL: the largest interval and reel cap fit its 32-bit integer columns, what would overflow them
is refused before it reaches the database (item 5); alert delivery claims and records (item 3, migration 0009)."""

from __future__ import annotations

import pytest

from core.storage.engine import get_database
from core.storage.models import Watch
from core.watchlists.watches import (
    MAX_EVERY_SECONDS,
    InvalidDuration,
    InvalidMaxReels,
    add_watches,
    list_watches,
    parse_duration,
)


def test_the_bounds_fit_postgresql_and_overflowing_values_are_refused(pg_url):
    db = get_database(pg_url)
    add_watches(db, ["pg_bounds"], parse_duration("3650d"), 100_000)
    with db.session() as session:
        stored = session.get(Watch, "pg_bounds")
        assert (stored.every_seconds, stored.max_reels) == (MAX_EVERY_SECONDS, 100_000)
    with pytest.raises(InvalidDuration):
        parse_duration("24856d")  # 2,147,558,400 s: past int32
    with pytest.raises(InvalidMaxReels):
        add_watches(db, ["pg_bounds"], 3600, 2_147_483_648)
    assert [(w.every_seconds, w.max_reels) for w in list_watches(db)] == [(MAX_EVERY_SECONDS, 100_000)]


def test_alert_delivery_claims_and_records_on_postgresql(pg_url, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from core.settings import load_settings
    from core.storage.models import Alert, Analysis
    from core.watchlists import delivery
    from core.watchlists.webhook import Delivery

    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    db = get_database(pg_url)
    with db.transaction() as session:
        analysis = Analysis(username="pg_alerts", status="completed", progress=100)
        session.add(analysis)
        session.flush()
        alert = Alert(analysis_id=analysis.id, username="pg_alerts", kind="follower_change", subject="followers",
                      metric="followers", value=10.0, threshold=5.0, message="m", delivery_attempts=0)
        session.add(alert)
    settings, now = load_settings(), datetime.now(UTC)
    assert delivery.claim(db, alert.id, settings, now) and not delivery.claim(db, alert.id, settings, now)
    delivery.record(db, alert.id, Delivery(False, 4, "HTTP 500"), now)
    assert delivery.undelivered(db, settings, now) == []
    later = now + delivery.retry_after(1) + timedelta(seconds=1)
    assert [a.id for a in delivery.undelivered(db, settings, later)] == [alert.id]
    assert delivery.claim(db, alert.id, settings, later)
    delivery.record(db, alert.id, Delivery(True, 1), later)
    assert delivery.undelivered(db, settings, later + timedelta(days=1)) == []
    with db.session() as session:
        row = session.get(Alert, alert.id)
        assert (row.delivery_rounds, row.delivery_attempts, row.delivery_error) == (2, 5, None)
        assert delivery.delivery_state(row, settings) == "delivered"
