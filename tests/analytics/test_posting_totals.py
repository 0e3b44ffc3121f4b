"""Posting times by weekday and by hour: totals that reach a sample, and a best slot only when it means something."""

from __future__ import annotations

import pytest

from core.analytics.aggregates import best_slot, posting_totals
from tests.analytics.builders import reel
from ui import charts
from ui.posting_times import best_sentence


def rows(day: int, hour: int, count: int, likes: int) -> list[dict]:
    """``count`` reels posted on 2026-03-0``day`` (2 = Monday) at ``hour`` UTC with ``likes`` likes each."""
    return [reel(f"d{day}h{hour}n{i}", posted_at=f"2026-03-{day:02d}T{hour:02d}:10:00Z", likes=likes)
            for i in range(count)]


def test_weekday_totals_list_every_weekday_with_reels_and_medians(enriched):
    frame = enriched(rows(2, 9, 5, 50) + rows(3, 9, 5, 20) + rows(4, 18, 2, 90))
    totals = posting_totals(frame, "weekday")
    assert list(totals["label"]) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert list(totals["reels"]) == [5, 5, 2, 0, 0, 0, 0]
    assert list(totals["median_engagement_rate"][:3]) == [5.0, 2.0, 9.0]
    hours = posting_totals(frame, "hour", tz="Europe/Lisbon")
    assert len(hours) == 24 and hours.loc[9, "reels"] == 10 and hours.loc[18, "reels"] == 2


def test_the_best_weekday_is_named_among_those_with_enough_reels_and_a_clear_lead(enriched):
    totals = posting_totals(enriched(rows(2, 9, 5, 50) + rows(3, 9, 5, 20) + rows(4, 18, 2, 90)), "weekday")
    best = best_slot(totals, "median_engagement_rate")  # Wed's 9% rests on 2 reels: not ranked
    assert (best.label, best.value, best.reels, best.runner_up, round(best.lead, 2)) == ("Mon", 5.0, 5, "Tue", 1.5)
    assert best_sentence(best, "weekday", use_rate=True) == (
        "Best weekday: **Mon**, 5.00% median engagement rate over 5 reels, 150% above the next best (Tue).")


@pytest.mark.parametrize("reels", [
    rows(2, 9, 5, 50) + rows(3, 9, 4, 20),  # only one weekday has enough reels
    rows(2, 9, 5, 50) + rows(3, 9, 5, 48),  # a 4% lead is no lead
])
def test_no_best_slot_is_named_when_it_would_mislead(enriched, reels):
    totals = posting_totals(enriched(reels), "weekday")
    assert best_slot(totals, "median_engagement_rate") is None
    assert best_sentence(None, "hour", use_rate=True).startswith("No best hour is named")


def test_the_totals_chart_greys_out_weekdays_below_the_sample(enriched):
    totals = posting_totals(enriched(rows(2, 9, 5, 50) + rows(4, 18, 2, 90)), "weekday")
    [bars] = charts.posting_totals_chart(totals, "weekday").data
    assert list(bars.marker.color[:3]) == [charts.ACCENT_COLOR, charts.UNDER_SAMPLED_COLOR, charts.UNDER_SAMPLED_COLOR]
    assert list(bars.text[:3]) == ["5 reels", "", "2 reels"]
