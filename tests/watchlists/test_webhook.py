"""Alert webhooks against real local HTTP receivers: delivered, retried with backoff, and failing harmlessly."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update

from core.storage.models import Watch
from core.watchlists import watches
from core.watchlists.alerts import list_alerts
from core.watchlists.webhook import post_json, redact_url
from emulator.timeline import tick

SECRET = "s3cr3t-token"


class Receiver:
    """A local HTTP server that answers each POST with the next status of ``statuses`` (the last one repeats)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                receiver.paths.append(self.path)
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/reelscope?token={SECRET}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def test_a_webhook_that_answers_at_once_gets_the_json_in_one_attempt(receiver_factory):
    receiver = receiver_factory([204])
    outcome = post_json(receiver.url, {"kind": "viral_reel", "value": 5.0}, attempts=3, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts, outcome.error) == (True, 1, None)
    assert receiver.bodies == [{"kind": "viral_reel", "value": 5.0}]
    assert receiver.paths == [f"/hooks/reelscope?token={SECRET}"]


def test_server_errors_are_retried_until_the_receiver_accepts(receiver_factory):
    receiver = receiver_factory([503, 500, 200])
    outcome = post_json(receiver.url, {"n": 1}, attempts=4, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts) == (True, 3)
    assert len(receiver.bodies) == 3


def test_a_receiver_that_keeps_failing_gives_up_after_the_attempts_and_logs_no_secret(receiver_factory, caplog):
    receiver = receiver_factory([500])
    with caplog.at_level(logging.DEBUG):
        outcome = post_json(receiver.url, {"n": 1}, attempts=3, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts, outcome.error) == (False, 3, "HTTP 500")
    assert len(receiver.bodies) == 3
    assert "/hooks/reelscope" in caplog.text and SECRET not in caplog.text


def test_a_refusal_is_not_retried(receiver_factory):
    receiver = receiver_factory([404])
    outcome = post_json(receiver.url, {"n": 1}, attempts=4, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts, outcome.error) == (False, 1, "HTTP 404")


def test_an_unreachable_receiver_fails_without_raising_or_logging_the_secret(caplog):
    with caplog.at_level(logging.DEBUG):
        outcome = post_json(f"http://127.0.0.1:9/hook?token={SECRET}", {"n": 1}, attempts=2, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts, outcome.error) == (False, 2, "ConnectionError")
    assert SECRET not in caplog.text


def test_the_logged_url_has_no_user_info_query_or_fragment():
    assert redact_url(f"https://user:pw@hooks.example.com:8443/a/b?token={SECRET}#x") == \
        "https://hooks.example.com:8443/a/b"


def _second_snapshot(db, emulator, monkeypatch, url: str):
    watches.add_watches(db, ["demo_travel"], 3600, 12)
    [first] = watches.run_due(db)
    assert first.status == "completed"
    tick(emulator, "demo_travel", followers_change_pct=10.0)
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_URL", url)
    monkeypatch.setenv("REELSCOPE_ALERT_WEBHOOK_ATTEMPTS", "2")
    with db.transaction() as session:
        session.execute(update(Watch).values(last_run_at=datetime.now(UTC) - timedelta(hours=2)))
    [second] = watches.run_due(db)
    return second


def test_each_alert_of_a_watch_analysis_is_posted_to_the_webhook(watch_env, own_emulator, monkeypatch,
                                                                  receiver_factory):
    receiver = receiver_factory([200])
    second = _second_snapshot(watch_env, own_emulator, monkeypatch, receiver.url)
    assert second.status == "completed"
    stored = list_alerts(watch_env)
    assert sorted(b["kind"] for b in receiver.bodies) == ["follower_change", "viral_reel"]
    assert {b["alert_id"] for b in receiver.bodies} == {a.id for a in stored}
    assert all(a.delivered_at is not None and a.delivery_attempts == 1 for a in stored)


def test_a_failing_webhook_never_fails_the_analysis_and_the_alerts_stay_stored(watch_env, own_emulator, monkeypatch,
                                                                               receiver_factory):
    receiver = receiver_factory([500])
    second = _second_snapshot(watch_env, own_emulator, monkeypatch, receiver.url)
    assert second.status == "completed"
    stored = list_alerts(watch_env)
    assert sorted(a.kind for a in stored) == ["follower_change", "viral_reel"]
    # the first alert gets its two attempts; the receiver is down, so the other waits for a later run
    assert sorted((a.delivered_at, a.delivery_attempts, a.delivery_error, a.delivery_rounds) for a in stored) == [
        (None, 0, None, 0), (None, 2, "HTTP 500", 1)]
    assert len(receiver.bodies) == 2
