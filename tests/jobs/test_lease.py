"""core.jobs.lease on its own: renewals, lapses and reclaims driven by a controllable clock on a real SQLite store."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from core.jobs import lease
from core.storage.analyses import get_state, insert_analyses, mark_started
from core.storage.engine import Database

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def db(tmp_path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'lease.db'}")


def _running(db: Database, owner: str, policy: lease.LeasePolicy, now: datetime) -> str:
    [analysis_id] = insert_analyses(db, ["someone"], None, owner, lease_expires_at=policy.expires_at(now))
    assert mark_started(db, analysis_id, owner, policy.expires_at(now))
    return analysis_id


def test_the_default_lease_is_reclaimed_within_a_minute_of_its_last_renewal():
    policy = lease.LeasePolicy()
    assert policy.seconds + policy.renew_every <= 60  # lapse, then at most one keeper interval until noticed


def test_a_lease_lapses_only_after_its_time_and_no_lease_never_lapses():
    policy = lease.LeasePolicy(30)
    expires = policy.expires_at(T0)
    assert not lease.is_expired(expires, T0 + timedelta(seconds=30))
    assert lease.is_expired(expires, T0 + timedelta(seconds=31))
    assert not lease.is_expired(None, T0 + timedelta(days=365))


def test_the_lease_setting_comes_from_the_environment_and_must_be_positive(monkeypatch):
    monkeypatch.setenv("REELSCOPE_LEASE_SECONDS", "6")
    assert (lease.LeasePolicy.from_environment().seconds, lease.LeasePolicy.from_environment().renew_every) == (6, 2)
    monkeypatch.setenv("REELSCOPE_LEASE_SECONDS", "0")
    with pytest.raises(ValueError, match="REELSCOPE_LEASE_SECONDS"):
        lease.LeasePolicy.from_environment()


def test_a_keeper_that_keeps_ticking_never_loses_its_analysis(db):
    clock, policy = Clock(), lease.LeasePolicy(30)
    analysis_id = _running(db, "host:1:1", policy, clock())
    keeper = lease.LeaseKeeper(db, "host:1:1", policy, clock=clock)
    for _ in range(10):
        clock.advance(policy.renew_every)
        assert keeper.tick() == []
    assert get_state(db, analysis_id).status == "processing"


def test_an_analysis_whose_owner_stopped_renewing_is_failed_as_interrupted_by_another_process(db):
    clock, policy = Clock(), lease.LeasePolicy(30)
    dead = _running(db, "host:1:1", policy, clock())
    alive = _running(db, "host:2:2", policy, clock())
    survivor = lease.LeaseKeeper(db, "host:2:2", policy, clock=clock)
    clock.advance(30)
    assert survivor.tick() == []  # exactly at the lease's end it still holds
    clock.advance(1)
    assert survivor.tick() == [dead]
    state = get_state(db, dead)
    assert (state.status, state.error_kind) == ("failed", "interrupted")
    assert get_state(db, alive).status == "processing"


def test_a_pending_analysis_of_a_dead_process_is_reclaimed_too(db):
    clock, policy = Clock(), lease.LeasePolicy(10)
    [queued] = insert_analyses(db, ["someone"], None, "host:1:1", lease_expires_at=policy.expires_at(clock()))
    clock.advance(11)
    assert lease.LeaseKeeper(db, "host:2:2", policy, clock=clock).tick() == [queued]
    assert get_state(db, queued).status == "failed"


def test_an_analysis_queued_for_any_worker_has_no_lease_and_is_left_alone(db):
    clock, policy = Clock(), lease.LeasePolicy(10)
    [queued] = insert_analyses(db, ["someone"], None, "queued@celery:0:0")
    clock.advance(3600)
    assert lease.LeaseKeeper(db, "host:2:2", policy, clock=clock).tick() == []
    assert get_state(db, queued).status == "pending"


def test_a_lease_renewed_after_the_lapse_was_seen_is_not_reclaimed(db):
    clock, policy = Clock(), lease.LeasePolicy(10)
    analysis_id = _running(db, "host:1:1", policy, clock())
    clock.advance(11)
    [(seen, owner)] = lease.lapsed(db, clock())
    lease.renew(db, "host:1:1", clock(), policy)  # the owner woke up between the look and the reclaim
    assert lease.fail_lapsed(db, seen, owner, clock()) is False
    assert get_state(db, analysis_id).status == "processing"


def test_renewing_leaves_updated_at_alone(db):
    clock, policy = Clock(), lease.LeasePolicy(10)
    analysis_id = _running(db, "host:1:1", policy, clock())
    before = get_state(db, analysis_id).updated_at
    assert lease.renew(db, "host:1:1", clock() + timedelta(seconds=5), policy) == 1
    assert get_state(db, analysis_id).updated_at == before


def test_the_reclaim_is_pluggable(db):
    clock, policy = Clock(), lease.LeasePolicy(10)
    analysis_id = _running(db, "host:1:1", policy, clock())
    seen = []
    keeper = lease.LeaseKeeper(db, "host:2:2", policy, clock=clock,
                               reclaim=lambda _db, i, owner, now: seen.append((i, owner, now)) or True)
    clock.advance(11)
    assert keeper.tick() == [analysis_id]
    assert seen == [(analysis_id, "host:1:1", clock())]


def test_the_keeper_thread_renews_on_its_own_and_stops(db, monkeypatch):
    monkeypatch.setenv("REELSCOPE_LEASE_SECONDS", "0.3")
    policy = lease.LeasePolicy.from_environment()
    analysis_id = _running(db, "host:1:1", policy, datetime.now(UTC))
    keeper = lease.LeaseKeeper(db, "host:1:1").start()
    try:
        time.sleep(1.0)  # more than three leases: only renewals keep it
        assert keeper.running
        assert lease.lapsed(db, datetime.now(UTC)) == []
    finally:
        keeper.stop()
    assert not keeper.running
    assert get_state(db, analysis_id).status == "processing"
