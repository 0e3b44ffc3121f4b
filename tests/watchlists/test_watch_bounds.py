"""Issue 22 items 1 and 5: intervals and reel caps a watch can hold, and one bad stored watch never stops the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.cli.main import main
from core.storage.models import Analysis, Watch
from core.watchlists.watches import (
    MAX_EVERY_SECONDS,
    InvalidDuration,
    InvalidMaxReels,
    add_watches,
    claim_due_watches,
    list_watches,
    parse_duration,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HUGE_INTERVAL = 3_000_000 * 86400  # what a store written before the bounds may hold (SQLite keeps 64-bit integers)


def test_ten_years_is_the_longest_interval():
    assert parse_duration("3650d") == MAX_EVERY_SECONDS
    for text in ("3651d", "800000d", "24856d", "999999999h"):
        with pytest.raises(InvalidDuration, match="between 1s and 3650d"):
            parse_duration(text)


@pytest.mark.parametrize("max_reels", [-1, 100_001, 2_147_483_648, 10**20])
def test_a_reel_cap_beyond_the_analysis_bounds_is_refused_and_nothing_is_stored(watch_env, max_reels):
    with pytest.raises(InvalidMaxReels, match="between 0 and 100,000"):
        add_watches(watch_env, ["few_posts"], 3600, max_reels)
    assert list_watches(watch_env) == []


def test_an_interval_beyond_the_bound_is_refused_by_add_watches(watch_env):
    with pytest.raises(InvalidDuration):
        add_watches(watch_env, ["few_posts"], MAX_EVERY_SECONDS + 1)
    assert list_watches(watch_env) == []


def _store_huge_interval(db, username: str, last_run_at: datetime | None) -> None:
    with db.transaction() as session:
        session.execute(update(Watch).where(Watch.username == username)
                        .values(every_seconds=HUGE_INTERVAL, last_run_at=last_run_at))


def test_a_stored_huge_interval_is_listed_at_the_bound(watch_env):
    add_watches(watch_env, ["demo_food", "few_posts"], 3600)
    _store_huge_interval(watch_env, "demo_food", T0)
    listed = {w.username: w for w in list_watches(watch_env, T0 + timedelta(days=1))}
    assert listed["demo_food"].every_seconds == MAX_EVERY_SECONDS
    assert listed["demo_food"].next_due_at == T0 + timedelta(seconds=MAX_EVERY_SECONDS)
    assert (listed["demo_food"].due, listed["few_posts"].due) == (False, True)


@pytest.mark.parametrize("last_run_at", [None, T0 - timedelta(days=30)])
def test_a_stored_huge_interval_never_stops_the_watches_after_it(watch_env, last_run_at):
    add_watches(watch_env, ["demo_food", "few_posts"], 3600)  # demo_food is claimed first (alphabetical)
    _store_huge_interval(watch_env, "demo_food", last_run_at)
    ids = claim_due_watches(watch_env, T0)
    with watch_env.session() as session:
        started = sorted(session.scalars(select(Analysis.username).where(Analysis.id.in_(ids))))
    assert started == (["demo_food", "few_posts"] if last_run_at is None else ["few_posts"])


def test_the_cli_refuses_out_of_range_intervals_and_caps_with_exit_2(watch_env, capsys):
    assert main(["watch", "add", "few_posts", "--every", "800000d"]) == 2
    assert main(["watch", "add", "few_posts", "--max-reels", "2147483648"]) == 2
    assert main(["watch", "add", "few_posts", "--max-reels", "99999999999999999999"]) == 2
    err = capsys.readouterr().err
    assert "between 1s and 3650d" in err and "between 0 and 100,000" in err and "Traceback" not in err
    assert list_watches(watch_env) == []


def test_watch_list_survives_a_stored_huge_interval(watch_env, capsys):
    add_watches(watch_env, ["demo_food", "few_posts"], 3600)
    _store_huge_interval(watch_env, "demo_food", datetime.now(UTC))
    assert main(["watch", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count('"username"') == 2 and f'"every_seconds": {MAX_EVERY_SECONDS}' in out


@pytest.mark.parametrize("limit", ["99999999999999999999", "0", "-5", "100001"])
def test_alerts_limit_out_of_range_exits_2_with_one_line(watch_env, capsys, limit):
    assert main(["alerts", "--limit", limit]) == 2
    err = capsys.readouterr().err
    assert "--limit must be between 1 and 100,000" in err and "Traceback" not in err
