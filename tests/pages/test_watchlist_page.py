"""The Watchlist page (watches, alerts, growth charts) and the alerts shown in History, through AppTest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from core.storage.engine import get_database
from core.storage.models import Watch
from core.watchlists import watches
from emulator import EmulatorServer
from emulator.timeline import tick
from tests.pages.conftest import open_page


@pytest.fixture
def watched_twice(tmp_path, monkeypatch):
    """demo_travel watched and analysed twice, with a tick in between (a viral new reel, +10% followers)."""
    emulator = EmulatorServer(port=0).start()
    url = f"sqlite:///{tmp_path / 'watch.db'}"
    for key, value in {"DATABASE_URL": url, "INSTAGRAM_BASE_URL": emulator.url, "REELSCOPE_RATE_LIMIT_SCALE": "0",
                       "REELSCOPE_MAX_ATTEMPTS": "1", "REELSCOPE_WATCH_POLL_SECONDS": "0"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REELSCOPE_DEMO", raising=False)
    db = get_database(url)
    watches.add_watches(db, ["demo_travel"], 86400, 12)
    watches.run_due(db)
    tick(emulator, "demo_travel", followers_change_pct=10.0)
    with db.transaction() as session:
        session.execute(update(Watch).values(last_run_at=datetime.now(UTC) - timedelta(days=2)))
    watches.run_due(db)
    yield db
    emulator.stop()


def test_an_empty_watchlist_invites_adding_a_profile(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    at = open_page("pages/6_Watchlist.py")
    assert not at.exception, at.exception
    assert "Nothing watched yet" in at.info[0].value


def test_adding_a_watch_from_the_form_stores_it(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    at = open_page("pages/6_Watchlist.py")
    at.text_input[0].input("@Few_Posts demo_food")
    at.text_input[1].input("90m")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [(w.username, w.every_seconds) for w in watches.list_watches(empty_store)] == [
        ("demo_food", 5400), ("few_posts", 5400)]
    assert list(at.dataframe[0].value["username"]) == ["@demo_food", "@few_posts"]


def test_an_invalid_name_in_the_form_adds_nothing(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    at = open_page("pages/6_Watchlist.py")
    at.text_input[0].input("few_posts, bad/name")
    at.button[0].click().run()
    assert "Nothing was added" in at.error[0].value
    assert watches.list_watches(empty_store) == []


def test_the_watchlist_shows_alerts_and_growth_charts_of_two_snapshots(watched_twice):
    at = open_page("pages/6_Watchlist.py")
    assert not at.exception, at.exception
    alerts = next(df.value for df in at.dataframe if "kind" in df.value.columns)
    assert sorted(alerts["kind"]) == ["follower_change", "viral_reel"]
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # no plays-gained chart: the anonymous snapshots have no plays, and the page says so
    assert '"followers per snapshot"' in charts[0].proto.spec.lower()
    assert any(c.value.startswith("2 completed snapshots of @demo\\_travel, from") for c in at.caption)
    assert any("withheld play and view counts" in i.value for i in at.info)
    assert not any("needs two snapshots" in i.value.lower() for i in at.info)
    new = next(df.value for df in at.dataframe if "shortcode" in df.value.columns and "views" in df.value.columns)
    assert len(new) == 1


def test_history_lists_the_alerts_too(watched_twice):
    at = open_page("pages/3_History.py")
    assert not at.exception, at.exception
    alerts = next(df.value for df in at.dataframe if "kind" in df.value.columns)
    assert sorted(alerts["kind"]) == ["follower_change", "viral_reel"]


def test_in_demo_mode_the_watch_form_offers_a_five_minute_interval(empty_store, monkeypatch):
    monkeypatch.setenv("REELSCOPE_WATCH_POLL_SECONDS", "0")
    monkeypatch.setenv("REELSCOPE_DEMO", "1")
    try:
        at = open_page("pages/6_Watchlist.py")
        assert not at.exception, at.exception
        assert at.selectbox[0].value.startswith("every 5 minutes")
        at.text_input[0].input("demo_travel")
        at.button[0].click().run()
        assert [w.every_seconds for w in watches.list_watches(get_database())] == [300]
    finally:
        from core.instagram.demo import stop_demo

        stop_demo()
