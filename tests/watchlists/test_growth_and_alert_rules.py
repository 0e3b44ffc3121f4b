"""Growth frames and alert rules on tiny literal snapshots (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from core.analytics.growth import latest_gains, new_reels, profile_growth, reel_plays_history
from core.settings import load_settings
from core.storage.queries import reels_frame_from_rows
from core.storage.snapshots import Snapshot
from core.watchlists.alerts import detect, follower_change, viral_reels

DAY1 = datetime(2026, 11, 1, tzinfo=UTC)
DAY2 = datetime(2026, 11, 2, tzinfo=UTC)


def reel(media_id: str, posted_day: int, plays=None, views=None, likes=None, comments=10) -> dict:
    return {"media_id": media_id, "shortcode": f"C{media_id}", "url": f"https://www.instagram.com/reel/C{media_id}/",
            "likes": likes, "comments": comments, "plays": plays, "views": views,
            "posted_at": datetime(2026, 10, posted_day, tzinfo=UTC), "is_pinned": False}


def snap(analysis_id: str, at: datetime, followers: int | None, reels: list[dict]) -> Snapshot:
    return Snapshot(analysis_id, at, {"username": "maker", "followers": followers}, reels_frame_from_rows(reels))


BEFORE = snap("a1", DAY1, 1000, [reel("1", 1, plays=100, likes=10), reel("2", 2, plays=200, likes=20),
                                 reel("3", 3, plays=300, likes=30)])
AFTER = snap("a2", DAY2, 1100, [reel("1", 1, plays=150, likes=10), reel("2", 2, plays=260, likes=20),
                                reel("3", 3, plays=300, likes=30), reel("4", 20, plays=5000, likes=40)])


def test_new_reels_are_those_the_previous_snapshot_did_not_have():
    assert list(new_reels(BEFORE.reels, AFTER.reels)["media_id"]) == ["4"]


def test_an_older_reel_reached_only_because_more_reels_were_fetched_is_not_new():
    later = snap("a2", DAY2, 1000, [*(AFTER.reels.to_dict("records")), reel("0", 1, plays=1)])
    before = snap("a1", DAY1, 1000, [reel("2", 2, plays=1)])
    assert sorted(new_reels(before.reels, later.reels)["media_id"]) == ["3", "4"]


def test_a_pinned_old_reel_does_not_make_every_reel_after_it_new():
    pinned = {**reel("9", 1, plays=50), "is_pinned": True}
    before = snap("a1", DAY1, 1000, [pinned, reel("3", 3, plays=300)])
    after = snap("a2", DAY2, 1000, [pinned, reel("2", 2, plays=200), reel("3", 3, plays=300), reel("4", 20, plays=9)])
    assert list(new_reels(before.reels, after.reels)["media_id"]) == ["4"]


def test_profile_growth_has_one_row_per_snapshot_with_changes_since_the_previous():
    frame = profile_growth([BEFORE, AFTER])
    assert list(frame["followers"]) == [1000, 1100]
    assert frame["followers_change"].tolist()[1] == 100 and pd.isna(frame["followers_change"].iloc[0])
    assert frame["followers_change_pct"].iloc[1] == 10.0
    assert list(frame["median_plays"]) == [200.0, 280.0]
    assert frame["new_reels"].iloc[1] == 1


def test_plays_gained_per_reel_between_snapshots():
    history = reel_plays_history([BEFORE, AFTER])
    gains = latest_gains(history)
    assert list(zip(gains["media_id"], gains["plays_gained"], strict=True)) == [("2", 60), ("1", 50), ("3", 0)]


def test_a_new_reel_far_above_the_median_is_a_viral_alert_on_plays():
    [finding] = viral_reels(BEFORE, AFTER, multiple=3.0)
    assert (finding.kind, finding.shortcode, finding.metric, finding.value, finding.threshold) == \
        ("viral_reel", "C4", "plays", 5000.0, 3.0 * 280)


def test_a_new_reel_below_the_multiple_raises_nothing():
    assert viral_reels(BEFORE, AFTER, multiple=20.0) == []


def test_when_plays_are_withheld_the_viral_test_falls_back_to_views_then_likes():
    before = snap("a1", DAY1, 1000, [reel("1", 1, views=100, likes=10), reel("2", 2, views=120, likes=12)])
    by_views = snap("a2", DAY2, 1000, [*before.reels.to_dict("records"), reel("3", 5, views=900, likes=11)])
    by_likes = snap("a2", DAY2, 1000, [reel("1", 1, likes=10), reel("2", 2, likes=12), reel("3", 5, likes=90)])
    [views_alert] = viral_reels(before, by_views, 3.0)
    [likes_alert] = viral_reels(before, by_likes, 3.0)
    assert (views_alert.metric, views_alert.value, views_alert.threshold) == ("views", 900.0, 360.0)
    assert (likes_alert.metric, likes_alert.value, likes_alert.threshold) == ("likes", 90.0, 36.0)


def test_follower_change_beyond_the_threshold_in_either_direction():
    [up] = follower_change(BEFORE, AFTER, 5.0)
    down = follower_change(BEFORE, snap("a2", DAY2, 900, []), 5.0)
    assert (up.kind, up.value, up.threshold) == ("follower_change", 10.0, 5.0)
    assert down[0].value == -10.0
    assert follower_change(BEFORE, AFTER, 10.0) == []  # exactly at the threshold: no alert


def test_unknown_follower_counts_raise_no_follower_alert():
    assert follower_change(snap("a1", DAY1, None, []), AFTER, 5.0) == []


def test_a_first_snapshot_raises_no_alert():
    assert detect(None, AFTER, load_settings()) == []
