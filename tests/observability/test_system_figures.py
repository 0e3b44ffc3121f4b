"""The system figures read from the store, and the built-in rules' verdicts on them (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.observability import instagram_requests
from core.observability.figures import Figures, collect_figures, error_rate, p95
from core.observability.housekeeping import beat, store_request_tallies
from core.observability.system_alerts import evaluate
from core.settings import Settings

NOW = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
QUIET = Figures(checked_at=NOW, completed_15m=10, failed_15m=0, cancelled_15m=0, error_rate=0.0, queue_depth=0,
                in_progress=0, workers=[], newest_worker_age_seconds=5.0,
                instagram_last_hour={"ok": 10, "rate_limited": 0, "refused": 0, "error": 0}, refusals_15m={},
                disk_free_bytes=50, disk_free_percent=50.0, disk_path="/data", p95_seconds_last_hour=20.0,
                p95_seconds_last_24h=20.0, completed_last_hour=10, completed_last_24h=100)


def firing(figures: Figures, **settings) -> set[str]:
    return {c.rule for c in evaluate(figures, Settings(**settings)) if c.firing}


def test_the_error_rate_leaves_cancelled_analyses_out():
    assert error_rate(completed=3, failed=1) == 0.25
    assert error_rate(completed=0, failed=0) is None


def test_p95_is_the_nearest_rank():
    assert p95(list(range(1, 101))) == 95
    assert p95([7.0]) == 7.0
    assert p95([]) is None


def test_quiet_figures_fire_nothing():
    assert firing(QUIET) == set()


def test_each_rule_fires_on_its_own_condition():
    assert firing(replace(QUIET, failed_15m=6, error_rate=6 / 16)) == set()
    assert firing(replace(QUIET, failed_15m=11, error_rate=11 / 21)) == {"error_rate"}
    assert firing(replace(QUIET, completed_15m=1, failed_15m=3, error_rate=0.75)) == set()  # 4 analyses: too few
    assert firing(replace(QUIET, newest_worker_age_seconds=301.0), REELSCOPE_QUEUE="celery") == {"no_worker"}
    assert firing(replace(QUIET, newest_worker_age_seconds=301.0)) == set()  # thread mode: this process works
    assert firing(replace(QUIET, newest_worker_age_seconds=None, queue_depth=2), REELSCOPE_QUEUE="celery") == \
        {"no_worker"}
    assert firing(replace(QUIET, refusals_15m={"profile/web_profile_info": 3})) == {"instagram_refusals"}
    assert firing(replace(QUIET, disk_free_percent=9.5)) == {"disk_space"}
    assert firing(replace(QUIET, p95_seconds_last_hour=41.0)) == {"slow_analyses"}
    assert firing(replace(QUIET, p95_seconds_last_hour=41.0, completed_last_hour=4)) == set()  # too few to compare


def test_request_tallies_and_heartbeats_reach_the_figures_of_every_process(store_env):
    instagram_requests.take_unsaved()
    for outcome in ("refused", "refused", "refused", "ok"):
        instagram_requests.record_instagram_request("profile", "web_profile_info", outcome)
    assert store_request_tallies(store_env) == 4
    assert store_request_tallies(store_env) == 0  # stored once
    beat(store_env, "celery")
    now = datetime.now(UTC)
    figures = collect_figures(store_env, now + timedelta(seconds=1))
    assert figures.instagram_last_hour == {"ok": 1, "rate_limited": 0, "refused": 3, "error": 0}
    assert figures.refusals_15m == {"profile/web_profile_info": 3}
    assert [w["mode"] for w in figures.workers] == ["celery"]
    assert figures.newest_worker_age_seconds is not None and figures.newest_worker_age_seconds < 60
    assert collect_figures(store_env, now + timedelta(hours=2)).instagram_last_hour["refused"] == 0
