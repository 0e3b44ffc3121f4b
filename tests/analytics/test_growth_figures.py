"""The Watchlist's growth figures read as an analyst expects: whole follower ticks, no flat lines, readable names."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from core.analytics.growth import profile_growth, reel_plays_history
from core.storage.queries import reels_frame_from_rows
from core.storage.snapshots import Snapshot
from ui import growth_charts


def reel(media_id: str, plays, caption="Golden hour never disappoints #travel #sunset") -> dict:
    return {"media_id": media_id, "shortcode": f"Cx{media_id}", "url": f"https://www.instagram.com/reel/Cx{media_id}/",
            "caption": caption, "posted_at": datetime(2026, 3, 3, 12, tzinfo=UTC), "plays": plays, "likes": 5,
            "comments": 1, "is_pinned": False}


def snap(day: int, followers: int, reels: list[dict]) -> Snapshot:
    return Snapshot(f"a{day}", datetime(2026, 11, day, tzinfo=UTC), {"username": "maker", "followers": followers},
                    reels_frame_from_rows(reels))


def test_a_follower_count_that_barely_moves_gets_whole_number_ticks():
    figure = growth_charts.followers_over_time(profile_growth([snap(1, 184_299, []), snap(2, 184_300, [])]))
    assert (figure.layout.yaxis.dtick, figure.layout.yaxis.tickformat) == (1, ",d")


def test_reels_whose_plays_did_not_move_draw_no_flat_lines():
    history = reel_plays_history([snap(1, 10, [reel("1", 100), reel("2", 50)]),
                                  snap(2, 10, [reel("1", 100), reel("2", 80)])])
    figure = growth_charts.reel_plays_gained(history)
    assert len(figure.data) == 1
    assert growth_charts.plays_gained_note(history, snapshots=2) is None


def test_a_reel_line_is_named_by_its_day_and_caption_not_its_shortcode():
    history = reel_plays_history([snap(1, 10, [reel("1", 100)]), snap(2, 10, [reel("1", 150)])])
    [line] = growth_charts.reel_plays_gained(history).data
    assert line.name == "Mar 03 · Golden hour never disappoint…"
    assert growth_charts.reel_label(None, pd.NaT) == "undated · (no caption)"


def test_why_there_is_no_plays_gained_chart():
    flat = reel_plays_history([snap(1, 10, [reel("1", 100)]), snap(2, 10, [reel("1", 100)])])
    withheld = reel_plays_history([snap(1, 10, [reel("1", None)]), snap(2, 10, [reel("1", None)])])
    assert growth_charts.plays_gained_note(flat, snapshots=1) == growth_charts.NEEDS_TWO
    assert growth_charts.plays_gained_note(flat, snapshots=2) == growth_charts.NONE_GAINED
    assert growth_charts.plays_gained_note(withheld, snapshots=4) == growth_charts.NO_PLAYS
