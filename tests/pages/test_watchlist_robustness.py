"""Issue 22 items 1 and 3 on the Watchlist page: a bad stored watch never breaks it; alerts show their delivery."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from core.storage.models import Alert, Analysis, Watch
from core.watchlists import watches
from tests.pages.conftest import open_page


def test_the_page_survives_a_watch_stored_with_a_huge_interval(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    watches.add_watches(empty_store, ["demo_food", "few_posts"], 3600)
    with empty_store.transaction() as session:
        session.execute(update(Watch).where(Watch.username == "demo_food")
                        .values(every_seconds=3_000_000 * 86400, last_run_at=datetime.now(UTC)))
    at = open_page("pages/6_Watchlist.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["username"]) == ["@demo_food", "@few_posts"]
    assert list(table["every"]) == ["3650d", "1h"]


def test_alerts_show_whether_the_webhook_got_them(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    watches.add_watches(empty_store, ["demo_food"], 3600)
    with empty_store.transaction() as session:
        analysis = Analysis(username="demo_food", status="completed", progress=100)
        session.add(analysis)
        session.flush()
        common = {"analysis_id": analysis.id, "username": "demo_food", "metric": "followers", "value": 10.0,
                  "threshold": 5.0, "message": "followers up"}
        session.add_all([
            Alert(kind="follower_change", subject="followers", delivery_attempts=4, delivery_rounds=1,
                  delivery_error="HTTP 500", **common),
            Alert(kind="viral_reel", subject="1", delivery_attempts=1, delivery_rounds=1,
                  delivered_at=datetime.now(UTC), **common)])
    at = open_page("pages/6_Watchlist.py")
    assert not at.exception, at.exception
    alerts = at.dataframe[1].value
    assert sorted(zip(alerts["delivery_state"], alerts["delivery_error"].fillna(""), strict=True)) == [
        ("delivered", ""), ("not yet: retried later", "HTTP 500")]
