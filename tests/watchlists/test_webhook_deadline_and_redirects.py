"""Issue 22 items 2 and 4: a webhook attempt has a total deadline, and redirects are never followed."""

from __future__ import annotations

import time

import pytest

from core.watchlists.webhook import post_json
from tests.watchlists.hostile_receivers import DrippingReceiver, RecordingServer


@pytest.fixture
def dripping():
    receiver = DrippingReceiver(interval=0.5)
    yield receiver
    receiver.close()


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_deadline_of_each_attempt(dripping):
    started = time.monotonic()
    outcome = post_json(dripping.url, {"n": 1}, attempts=2, timeout=1.5, backoff_base=0.01)
    elapsed = time.monotonic() - started
    assert (outcome.ok, outcome.attempts, outcome.error) == (False, 2, "no complete answer within 1.5 s")
    assert elapsed < 2 * 1.5 + 1.0
    assert dripping.requests == 2


def test_a_recovered_receiver_gets_the_alert(dripping):
    dripping.recover()
    outcome = post_json(dripping.url, {"n": 1}, attempts=2, timeout=1.5, backoff_base=0.01)
    assert (outcome.ok, outcome.attempts) == (True, 1)
    assert dripping.bodies == [{"n": 1}]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_delivery_and_is_not_followed(status):
    target = RecordingServer(204)
    redirecting = RecordingServer(status, location=f"{target.url}/internal")
    try:
        outcome = post_json(f"{redirecting.url}/hook", {"n": 1}, attempts=3, backoff_base=0.01)
    finally:
        redirecting.close()
        target.close()
    assert (outcome.ok, outcome.attempts) == (False, 1)
    assert outcome.error == f"HTTP {status} redirect (redirects are not followed)"
    assert [(method, path) for method, path, _ in redirecting.calls] == [("POST", "/hook")]
    assert target.calls == []
