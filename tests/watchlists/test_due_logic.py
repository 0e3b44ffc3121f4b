"""When a watch is due, with a controllable clock, and the claim step that makes each due watch run once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from core.jobs.submission import InvalidSubmission
from core.storage.models import Analysis, Status, Watch
from core.watchlists.watches import (
    InvalidDuration,
    UnknownWatch,
    add_watches,
    claim_due_watches,
    format_duration,
    is_due,
    list_watches,
    parse_duration,
    remove_watches,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DAY = 86400


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("90m", 5400), ("12h", 43200), ("1d", 86400),
                                               ("7d", 604800), (" 2H ", 7200)])
def test_durations_parse_to_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "1w", "1.5h", "-1d", "d", "12", "1d2h"])
def test_invalid_durations_are_refused(text):
    with pytest.raises(InvalidDuration):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"), [(86400, "1d"), (5400, "90m"), (43200, "12h"), (45, "45s")])
def test_durations_are_shown_in_their_largest_exact_unit(seconds, text):
    assert format_duration(seconds) == text


def test_a_watch_that_never_ran_is_due():
    assert is_due(None, DAY, T0)


def test_a_watch_is_due_once_its_interval_has_passed_since_the_last_run_started():
    assert not is_due(T0, DAY, T0 + timedelta(hours=23))
    assert is_due(T0, DAY, T0 + timedelta(days=1))
    assert is_due(T0, DAY, T0 + timedelta(days=3))


def test_a_daily_cron_firing_a_little_early_still_finds_the_watch_due():
    assert is_due(T0, DAY, T0 + timedelta(days=1) - timedelta(seconds=30))  # within the 60 s tolerance
    assert not is_due(T0, DAY, T0 + timedelta(days=1) - timedelta(minutes=2))
    assert not is_due(T0, 30, T0 + timedelta(seconds=29))  # 1% of 30 s is 0.3 s


def test_listing_reports_next_due_time_and_due_flag_at_the_given_clock(watch_env):
    add_watches(watch_env, ["@Demo_Travel"], 12 * 3600, 6)
    [watch] = list_watches(watch_env, now=T0)
    assert watch.to_json() == {"username": "demo_travel", "every_seconds": 43200, "max_reels": 6,
                               "last_analysis_id": None, "last_run_at": None, "next_due_at": None, "due": True}
    claim_due_watches(watch_env, now=T0)
    [watch] = list_watches(watch_env, now=T0 + timedelta(hours=1))
    assert (watch.last_run_at, watch.next_due_at, watch.due) == (T0, T0 + timedelta(hours=12), False)


def test_claiming_creates_one_pending_analysis_per_due_watch_and_not_again_until_the_next_interval(watch_env):
    add_watches(watch_env, ["few_posts", "demo_food"], DAY)
    first = claim_due_watches(watch_env, now=T0)
    assert len(first) == 2
    assert claim_due_watches(watch_env, now=T0 + timedelta(hours=1)) == []
    _finish(watch_env, first)
    assert claim_due_watches(watch_env, now=T0 + timedelta(hours=23)) == []
    assert len(claim_due_watches(watch_env, now=T0 + timedelta(days=1))) == 2
    with watch_env.session() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 4


def test_a_watch_whose_last_analysis_still_runs_is_not_claimed_again(watch_env):
    add_watches(watch_env, ["few_posts"], 30)
    [analysis_id] = claim_due_watches(watch_env, now=T0)
    assert claim_due_watches(watch_env, now=T0 + timedelta(days=2)) == []  # still pending
    assert list_watches(watch_env, now=T0 + timedelta(days=2))[0].due is False
    _finish(watch_env, [analysis_id])
    assert len(claim_due_watches(watch_env, now=T0 + timedelta(days=2))) == 1


def test_a_claim_records_the_new_analysis_on_the_watch(watch_env):
    add_watches(watch_env, ["few_posts"], DAY, 3)
    [analysis_id] = claim_due_watches(watch_env, now=T0)
    with watch_env.session() as session:
        watch = session.get(Watch, "few_posts")
        analysis = session.get(Analysis, analysis_id)
    assert (watch.last_analysis_id, watch.last_run_at) == (analysis_id, T0)
    assert (analysis.username, analysis.status, analysis.max_reels) == ("few_posts", "pending", 3)


def test_adding_again_changes_the_interval_and_keeps_the_history(watch_env):
    add_watches(watch_env, ["few_posts"], DAY)
    claim_due_watches(watch_env, now=T0)
    add_watches(watch_env, ["few_posts"], 3600)
    [watch] = list_watches(watch_env, now=T0)
    assert (watch.every_seconds, watch.last_run_at) == (3600, T0)


def test_an_invalid_name_stores_no_watch_at_all(watch_env):
    with pytest.raises(InvalidSubmission):
        add_watches(watch_env, ["few_posts", "bad name!"], DAY)
    assert list_watches(watch_env) == []


def test_removing_an_unwatched_name_removes_nothing(watch_env):
    add_watches(watch_env, ["few_posts"], DAY)
    with pytest.raises(UnknownWatch):
        remove_watches(watch_env, ["few_posts", "demo_food"])
    assert [w.username for w in list_watches(watch_env)] == ["few_posts"]
    remove_watches(watch_env, ["@few_posts"])
    assert list_watches(watch_env) == []


def _finish(db, ids):
    with db.transaction() as session:
        session.execute(update(Analysis).where(Analysis.id.in_(ids)).values(status=Status.COMPLETED))


def test_claimers_racing_on_many_due_watches_claim_each_exactly_once(watch_env):
    import threading

    names = [f"racer_{i}" for i in range(30)]
    for start in range(0, len(names), 10):  # at most REELSCOPE_MAX_USERNAMES (20) names per call
        add_watches(watch_env, names[start:start + 10], DAY)
    barrier = threading.Barrier(4)
    claimed: list[list[str]] = []

    def claim() -> None:
        barrier.wait()
        claimed.append(claim_due_watches(watch_env, now=T0))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [i for batch in claimed for i in batch]
    assert len(ids) == len(set(ids)) == 30
    with watch_env.session() as session:
        per_name = dict(session.execute(select(Analysis.username, func.count()).group_by(Analysis.username)).all())
    assert per_name == dict.fromkeys(names, 1)


def test_the_dashboards_background_scheduler_runs_due_watches_while_it_runs(watch_env):
    import time

    from core.jobs.submission import wait_for
    from core.watchlists.scheduler import WatchScheduler

    add_watches(watch_env, ["few_posts"], DAY)
    scheduler = WatchScheduler(watch_env, poll_seconds=0.1).start()
    try:
        deadline = time.monotonic() + 30
        while not list_watches(watch_env)[0].last_analysis_id and time.monotonic() < deadline:
            time.sleep(0.05)
        [watch] = list_watches(watch_env)
        [state] = wait_for([watch.last_analysis_id], db=watch_env, timeout=60)
        time.sleep(0.3)  # a few more checks: nothing else is due
    finally:
        scheduler.stop()
    assert state.status == "completed" and scheduler.checks >= 3 and not scheduler.alive
    with watch_env.session() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 1


def test_more_names_than_one_submission_allows_are_refused_whole(watch_env, monkeypatch):
    monkeypatch.setenv("REELSCOPE_MAX_USERNAMES", "2")
    with pytest.raises(InvalidSubmission, match="Too many usernames"):
        add_watches(watch_env, ["one_a", "two_b", "three_c"], DAY)
    assert list_watches(watch_env) == []


def test_an_analysis_a_watch_starts_records_who_added_the_watch(watch_env):
    add_watches(watch_env, ["few_posts"], DAY, requested_by="ana@example.org")
    add_watches(watch_env, ["demo_food"], DAY)  # added without a name (an old watch): its analyses say unknown
    claim_due_watches(watch_env, now=T0)
    with watch_env.session() as session:
        by_user = dict(session.execute(select(Analysis.username, Analysis.requested_by)).all())
    assert by_user == {"few_posts": "ana@example.org", "demo_food": None}
