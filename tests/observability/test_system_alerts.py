"""Built-in system alerts on one machine without Prometheus: real analyses against the emulator, a real webhook
receiver on a local port, the housekeeping chores that check them."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.jobs.lease import stop_keepers
from core.jobs.owners import process_owner
from core.jobs.pipeline import run_analysis
from core.observability.system_alerts import check_system_alerts, recent_alerts
from core.storage.analyses import insert_analyses
from core.storage.models import utcnow
from tests.observability.conftest import free_port


class Receiver:
    """A webhook receiver on ``port`` that answers 204 and keeps every JSON body it was sent."""

    def __init__(self, port: int) -> None:
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(store_env, monkeypatch):
    """The alert webhook's address (nothing listens there until a Receiver starts on its port); one attempt per
    check, system alerts other than the tested ones kept quiet (the disk of the machine running the tests)."""
    port = free_port()
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{port}/hooks/system")
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", "1")
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_TIMEOUT", "2")
    monkeypatch.setenv("REELSCOPE_SYSTEM_ALERT_DISK_FREE_PERCENT", "0")
    monkeypatch.setenv("REELSCOPE_SYSTEM_ALERT_CHECK_SECONDS", "60")  # tests/conftest.py turns the loop's checks off
    receivers: list[Receiver] = []

    def start() -> Receiver:
        receivers.append(Receiver(port))
        return receivers[-1]

    yield start
    for receiver in receivers:
        receiver.close()


def analyse(db, *usernames: str) -> None:
    for analysis_id in insert_analyses(db, list(usernames), None, process_owner()):
        run_analysis(analysis_id, db)


def error_burst(db) -> None:
    """Five missing profiles and one that completes: 5 of 6 failed, over the 50 % threshold."""
    analyse(db, "few_posts", *(f"no_such_profile_{n}" for n in range(5)))


def wait_for_bodies(receiver: Receiver, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.bodies) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_error_burst_sends_one_webhook_for_the_incident_and_one_when_it_resolves(store_env, hook, monkeypatch):
    # The housekeeping loop (core.jobs.lease's keeper, started by the analyses) checks every 0.2 s here.
    monkeypatch.setenv("REELSCOPE_LEASE_SECONDS", "0.6")
    monkeypatch.setenv("REELSCOPE_SYSTEM_ALERT_CHECK_SECONDS", "0.2")
    receiver = hook()
    error_burst(store_env)
    wait_for_bodies(receiver, 1)
    time.sleep(1.0)  # five more checks of the loop: nothing more is sent for the same incident
    stop_keepers()
    assert [(b["kind"], b["rule"], b["state"]) for b in receiver.bodies] == [("system_alert", "error_rate", "firing")]
    check_system_alerts(store_env)
    check_system_alerts(store_env)
    assert len(receiver.bodies) == 1
    assert receiver.bodies[0]["value"] in (4 / 5, 5 / 6)  # the loop may look after the burst's 5th analysis or its 6th
    assert receiver.bodies[0]["threshold"] == 0.5
    assert recent_alerts(store_env)[0]["state"] == "firing"

    later = utcnow() + timedelta(minutes=16)  # the burst has left the 15-minute window
    check_system_alerts(store_env, now=later)
    check_system_alerts(store_env, now=later + timedelta(minutes=1))
    assert [(b["rule"], b["state"]) for b in receiver.bodies] == [("error_rate", "firing"), ("error_rate", "resolved")]
    assert re.match(r"Resolved: (80% of the 5|83% of the 6) analyses finished in the last 15 minutes failed",
                    receiver.bodies[1]["message"])
    assert receiver.bodies[0]["alert_id"] == receiver.bodies[1]["alert_id"]
    [alert] = recent_alerts(store_env)
    assert alert["state"] == "resolved" and alert["delivered"]


def test_a_burst_within_the_cooldown_opens_no_new_incident(store_env, hook, monkeypatch):
    receiver = hook()
    error_burst(store_env)  # 5 of 6 failed
    check_system_alerts(store_env)
    analyse(store_env, *["empty_profile"] * 5)  # 5 of 11: under half, resolved
    check_system_alerts(store_env)
    error_burst(store_env)  # 10 of 17 failed, within the 30-minute cooldown
    check_system_alerts(store_env)
    assert [b["state"] for b in receiver.bodies] == ["firing", "resolved"]
    monkeypatch.setenv("REELSCOPE_SYSTEM_ALERT_COOLDOWN_SECONDS", "0")
    check_system_alerts(store_env)
    assert [b["state"] for b in receiver.bodies] == ["firing", "resolved", "firing"]
    assert receiver.bodies[0]["alert_id"] == receiver.bodies[1]["alert_id"] != receiver.bodies[2]["alert_id"]


def test_an_alert_the_webhook_missed_is_delivered_once_it_is_back(store_env, hook):
    error_burst(store_env)
    check_system_alerts(store_env)  # nothing listens: the delivery fails and is kept
    check_system_alerts(store_env)
    [alert] = recent_alerts(store_env)
    assert alert["state"] == "firing" and not alert["delivered"]
    assert alert["delivery_error"] == "ConnectionError"

    receiver = hook()  # the webhook is back
    check_system_alerts(store_env)
    check_system_alerts(store_env)
    assert [(b["rule"], b["state"]) for b in receiver.bodies] == [("error_rate", "firing")]
    assert recent_alerts(store_env)[0]["delivered"]


def test_without_a_burst_nothing_is_sent(store_env, hook):
    receiver = hook()
    analyse(store_env, "few_posts", "empty_profile", "no_such_profile_1")
    conditions = {c.rule: c for c in check_system_alerts(store_env)}
    assert not conditions["error_rate"].firing
    assert conditions["error_rate"].message.startswith("33% of the 3 analyses finished in the last 15 minutes")
    assert receiver.bodies == []
