"""Issue 22 items 2 and 3: undelivered alerts are visible, re-sent by later runs with a cap, delivered at least once
and recorded as delivered exactly once; a dripping webhook never holds run-due past its deadlines."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from core.cli.main import main
from core.settings import load_settings
from core.storage.models import Watch
from core.watchlists import delivery, watches
from core.watchlists.alerts import alert_record, list_alerts, redeliver
from emulator.timeline import tick
from tests.watchlists.hostile_receivers import DrippingReceiver, RecordingServer


def _run_again(db) -> list:
    with db.transaction() as session:
        session.execute(update(Watch).values(last_run_at=datetime.now(UTC) - timedelta(hours=2)))
    return watches.run_due(db)


def _two_alerts(db, emulator, monkeypatch, webhook_url: str | None) -> None:
    """demo_travel watched twice with a tick between: a viral new reel and +10 % followers (two alerts)."""
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", "2")
    watches.add_watches(db, ["demo_travel"], 3600, 12)
    [first] = watches.run_due(db)
    assert first.status == "completed"
    tick(emulator, "demo_travel", followers_change_pct=10.0)
    if webhook_url:
        monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", webhook_url)
    [second] = _run_again(db)
    assert second.status == "completed"
    assert len(list_alerts(db)) == 2


@pytest.fixture
def server_factory():
    made = []

    def make(status: int):
        made.append(RecordingServer(status))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _states(db) -> list[tuple[str, int]]:
    return sorted((alert_record(a)["delivery_state"], a.delivery_attempts) for a in list_alerts(db))


def test_alerts_a_failing_webhook_missed_are_sent_by_later_runs_and_recorded_once(watch_env, own_emulator,
                                                                                    monkeypatch, server_factory):
    down = server_factory(500)
    _two_alerts(watch_env, own_emulator, monkeypatch, f"{down.url}/hook")
    assert _states(watch_env) == [("pending", 0), ("pending", 2)]  # the first failed; the second was not tried

    up = server_factory(204)
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", f"{up.url}/hook")
    assert watches.run_due(watch_env) == []  # nothing due, but the alert never tried goes out at once
    assert _states(watch_env) == [("delivered", 1), ("pending", 2)]
    redeliver(watch_env, now=datetime.now(UTC) + delivery.RETRY_AFTER / 2)
    assert len(up.calls) == 1  # the failed one waits before its next run
    redeliver(watch_env, now=datetime.now(UTC) + delivery.RETRY_AFTER + timedelta(seconds=1))
    assert sorted(json.loads(body)["kind"] for _, _, body in up.calls) == ["follower_change", "viral_reel"]
    assert _states(watch_env) == [("delivered", 1), ("delivered", 3)]
    delivered_at = {a.id: a.delivered_at for a in list_alerts(watch_env)}

    watches.run_due(watch_env)
    redeliver(watch_env, now=datetime.now(UTC) + timedelta(days=1))
    assert len(up.calls) == 2  # never sent again
    assert {a.id: a.delivered_at for a in list_alerts(watch_env)} == delivered_at


def test_failed_runs_wait_longer_each_time():
    assert [delivery.retry_after(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert delivery.retry_after(40) == timedelta(hours=6)


def test_alerts_left_unsent_by_a_crash_are_sent_by_the_next_run(watch_env, own_emulator, monkeypatch,
                                                                server_factory):
    _two_alerts(watch_env, own_emulator, monkeypatch, None)  # stored, never sent (as if the process died)
    assert _states(watch_env) == [("no_webhook", 0), ("no_webhook", 0)]
    up = server_factory(204)
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", f"{up.url}/hook")
    watches.run_due(watch_env)
    assert len(up.calls) == 2
    assert _states(watch_env) == [("delivered", 1), ("delivered", 1)]


def test_an_alert_is_tried_by_at_most_the_configured_number_of_runs(watch_env, own_emulator, monkeypatch,
                                                                    server_factory):
    monkeypatch.setenv("REELSCOPE_ALERT_DELIVERY_ROUNDS", "2")
    down = server_factory(500)
    _two_alerts(watch_env, own_emulator, monkeypatch, f"{down.url}/hook")
    for hours in (7, 14, 21, 28):  # later runs, each past the wait of the run before
        redeliver(watch_env, now=datetime.now(UTC) + timedelta(hours=hours))
    assert sorted(a.delivery_rounds for a in list_alerts(watch_env)) == [2, 2]
    assert _states(watch_env) == [("failed", 4), ("failed", 4)]
    assert all(a.delivery_error == "HTTP 500" for a in list_alerts(watch_env))
    assert len(down.calls) == 8  # 2 runs × 2 attempts, for each of the 2 alerts


def test_a_run_holding_an_alert_keeps_other_runs_from_sending_it(watch_env, own_emulator, monkeypatch):
    _two_alerts(watch_env, own_emulator, monkeypatch, None)
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    settings = load_settings()
    alert = list_alerts(watch_env)[0]
    assert delivery.claim(watch_env, alert.id, settings)
    assert not delivery.claim(watch_env, alert.id, settings)
    later = datetime.now(UTC) + delivery.hold_for(settings) + timedelta(seconds=1)
    assert delivery.claim(watch_env, alert.id, settings, now=later)  # a crashed holder's hold lapses


def test_the_delivery_state_is_in_alerts_json_and_the_api(watch_env, own_emulator, monkeypatch, server_factory,
                                                          capsys):
    down = server_factory(500)
    _two_alerts(watch_env, own_emulator, monkeypatch, f"{down.url}/hook")
    assert main(["alerts", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((x["delivery_state"], x["delivery_attempts"], x["delivery_error"]) for x in lines) == [
        ("pending", 0, None), ("pending", 2, "HTTP 500")]
    from api.app import create_app
    from tests.api.api_helpers import api_settings

    with TestClient(create_app(api_settings())) as client:
        alerts = client.get("/api/v1/alerts").json()["alerts"]
    assert sorted((a["delivery_state"], a["delivery_error"] or "", a["delivered_at"]) for a in alerts) == [
        ("pending", "", None), ("pending", "HTTP 500", None)]


def test_a_dripping_webhook_holds_run_due_no_longer_than_its_deadlines_and_gets_the_alert_when_it_recovers(
        watch_env, own_emulator, monkeypatch):
    deadline, attempts = 2.0, 2
    receiver = DrippingReceiver(interval=2.0)
    try:
        monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_TIMEOUT", str(deadline))
        watches.add_watches(watch_env, ["demo_travel"], 3600, 12)
        watches.run_due(watch_env)
        tick(own_emulator, "demo_travel", followers_change_pct=10.0)
        monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", receiver.url)
        monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", str(attempts))
        started = time.monotonic()
        assert [s.status for s in _run_again(watch_env)] == ["completed"]
        assert time.monotonic() - started < deadline * attempts + 10
        assert [a.delivery_error for a in list_alerts(watch_env) if a.delivery_attempts] == [
            "no complete answer within 2 s"]

        receiver.recover()
        watches.run_due(watch_env)  # the alert not yet tried goes out at once
        redeliver(watch_env, now=datetime.now(UTC) + delivery.RETRY_AFTER * 2)  # the failed one, after its wait
        assert sorted(body["kind"] for body in receiver.bodies) == ["follower_change", "viral_reel"]
        assert _states(watch_env)[0][0] == _states(watch_env)[1][0] == "delivered"
    finally:
        receiver.close()
