"""Demo profiles grow with the wall clock (emulator.timeline): deterministic, bounded, and a new user watching in
demo mode sees growth and an alert within ten minutes."""

from __future__ import annotations

import pytest

from core.storage.models import Watch
from core.watchlists.alerts import list_alerts
from core.watchlists.watches import add_watches, run_due
from emulator import default_catalogue
from emulator.timeline import (
    DEMO_EPOCH,
    DEMO_POST_EVERY,
    DEMO_POSTS_KEPT,
    DEMO_TAKE_OFF_EVERY,
    demo_catalogue_at,
    demo_profile_at,
    show_demo_growth,
)

BASE = default_catalogue()["demo_creator"]
NOW = DEMO_EPOCH + 35 * 86_400 + 1234  # a pinned "now", five weeks after the demo epoch


def test_a_demo_profile_is_a_pure_function_of_the_clock():
    assert demo_profile_at(BASE, NOW) == demo_profile_at(BASE, NOW)
    assert demo_catalogue_at(NOW)["few_posts"] == default_catalogue()["few_posts"]  # only demo profiles grow


def test_followers_and_plays_grow_and_new_reels_appear_as_time_passes():
    earlier, later = demo_profile_at(BASE, NOW), demo_profile_at(BASE, NOW + 600)
    assert later.followers > earlier.followers > BASE.followers
    new = {m.code for m in later.media} - {m.code for m in earlier.media}
    assert len(new) == 600 // DEMO_POST_EVERY
    old = {m.code: m.play_count for m in BASE.videos if m.play_count}
    assert all(m.play_count > old[m.code] for m in earlier.videos if m.code in old and old[m.code] > 1000)


def test_a_profile_stays_small_however_long_the_demo_runs():
    years_later = demo_profile_at(BASE, NOW + 3 * 365 * 86_400)
    assert years_later.media_count == BASE.media_count + DEMO_POSTS_KEPT


def test_one_new_reel_in_four_takes_off_past_the_viral_threshold_from_its_first_minute():
    profile = demo_profile_at(BASE, NOW)
    fresh = sorted((m for m in profile.media if m.taken_at > DEMO_EPOCH), key=lambda m: m.taken_at)
    plays = sorted(m.play_count for m in profile.videos if m.play_count is not None)
    median = plays[len(plays) // 2]
    newest = fresh[-DEMO_TAKE_OFF_EVERY:]  # the last four slots: one of them takes off
    assert sum(m.play_count > 3 * median for m in newest) == 1


@pytest.mark.parametrize("start", [NOW, NOW + 7, NOW + 150, NOW + 299, NOW + 451, NOW + 599])
def test_watching_a_demo_profile_every_five_minutes_raises_an_alert_within_ten_minutes(watch_env, own_emulator,
                                                                                        start):
    add_watches(watch_env, ["demo_travel"], every_seconds=300, max_reels=12)
    for minute in (0, 5, 10):
        show_demo_growth(own_emulator, start + minute * 60)
        with watch_env.transaction() as session:  # due again (instead of waiting five minutes)
            session.get(Watch, "demo_travel").last_run_at = None
        [state] = run_due(watch_env)
        assert state.status == "completed", state.error
    kinds = {a.kind for a in list_alerts(watch_env, username="demo_travel")}
    assert "viral_reel" in kinds
