from datetime import UTC, datetime

import pandas as pd
import pytest

from core.analytics import metrics
from core.storage.queries import reels_frame_from_rows
from tests.analytics.builders import NOW, reel


def values(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def test_engagement_rate_is_likes_plus_comments_over_followers_in_percent(enriched):
    frame = enriched([reel("a", likes=30, comments=20, plays=1000)], followers=1000)
    row = frame.iloc[0]
    assert row["interactions"] == 50
    assert row["engagement_rate"] == pytest.approx(5.0)
    assert row["engagement_per_play"] == pytest.approx(5.0)
    assert row["plays_per_follower"] == pytest.approx(1.0)
    assert row["likes_per_1k_plays"] == pytest.approx(30.0)
    assert row["comments_per_1k_plays"] == pytest.approx(20.0)


@pytest.mark.parametrize("followers", [0, None])
def test_zero_or_missing_followers_give_unknown_not_infinity(enriched, followers):
    frame = enriched([reel("a", likes=30, comments=20)], followers=followers)
    assert values(frame["engagement_rate"]) == [None]
    assert values(frame["plays_per_follower"]) == [None]
    assert values(frame["benchmark_tier"].astype(str)) == ["unknown"]
    assert frame["engagement_per_play"].iloc[0] == pytest.approx(50.0)


def test_zero_plays_give_unknown_per_play_metrics(enriched):
    frame = enriched([reel("a", likes=3, comments=1, plays=0)])
    assert values(frame[["engagement_per_play", "likes_per_1k_plays", "comments_per_1k_plays"]].iloc[0]) == [
        None, None, None]
    assert frame["plays_per_day"].iloc[0] == 0.0


def test_hidden_likes_make_engagement_unknown_not_comments_only(enriched):
    frame = enriched([reel("a", likes=None, comments=5)])
    assert values(frame["interactions"]) == [None]
    assert values(frame["engagement_rate"]) == [None]
    assert values(frame["likes_per_1k_plays"]) == [None]
    assert frame["comments_per_1k_plays"].iloc[0] == pytest.approx(50.0)
    assert str(frame["engagement_tier"].iloc[0]) == "unknown"


def test_plays_fall_back_to_views_and_stay_unknown_when_both_missing(enriched):
    frame = enriched([reel("a", plays=None, views=40), reel("b", plays=None, views=None), reel("c", plays=7,
                                                                                              views=99)])
    assert values(frame["effective_plays"]) == [40, None, 7]
    assert str(frame["plays_tier"].iloc[1]) == "unknown"


def test_age_and_plays_per_day_use_the_given_now(enriched):
    frame = enriched([reel("a", plays=1000, posted_at="2026-03-21T12:00:00Z")])
    assert frame["age_days"].iloc[0] == pytest.approx(10.0)
    assert frame["plays_per_day"].iloc[0] == pytest.approx(100.0)


def test_reel_posted_today_counts_as_one_day_old_for_plays_per_day(enriched):
    frame = enriched([reel("a", plays=600, posted_at="2026-03-31T06:00:00Z")])
    assert frame["age_days"].iloc[0] == pytest.approx(0.25)
    assert frame["plays_per_day"].iloc[0] == pytest.approx(600.0)


def test_reel_posted_after_now_has_age_zero(enriched):
    frame = enriched([reel("a", posted_at="2026-04-02T00:00:00Z")])
    assert frame["age_days"].iloc[0] == 0.0


def test_plays_tiers_are_multiples_of_the_creators_median_with_boundaries_going_up(enriched):
    # median of [100, 100, 150, 300, 49] is 100: 300 = exactly 3x -> viral, 150 = exactly 1.5x -> strong,
    # 49 < 0.5x -> weak, the unknown reel is not part of the median.
    rows = [reel("a", plays=100), reel("b", plays=100), reel("c", plays=150), reel("d", plays=300),
            reel("e", plays=49), reel("f", plays=None)]
    frame = enriched(rows)
    assert list(frame["plays_tier"].astype(str)) == ["typical", "typical", "strong", "viral", "weak", "unknown"]
    assert values(frame["plays_vs_median"]) == [1.0, 1.0, 1.5, 3.0, 0.49, None]


def test_a_single_reel_is_typical_and_at_the_median(enriched):
    frame = enriched([reel("a", plays=500, likes=5, comments=5)], followers=50_000)
    assert str(frame["plays_tier"].iloc[0]) == "typical"
    assert str(frame["engagement_tier"].iloc[0]) == "upper half"


def test_engagement_quantile_tiers_keep_ties_together(enriched):
    # ten reels: interactions 1..8 then a tie at 10, 10 -> the tie shares mid-rank 9.5 -> percentile 90 -> top 10%
    likes = [1, 2, 3, 4, 5, 6, 7, 8, 10, 10]
    frame = enriched([reel(str(i), likes=value, comments=0) for i, value in enumerate(likes)])
    assert list(frame["engagement_tier"].astype(str)) == [
        "bottom 25%", "bottom 25%", "lower half", "lower half", "lower half",
        "upper half", "upper half", "upper half", "top 10%", "top 10%"]


def test_all_equal_engagement_lands_in_one_tier(enriched):
    frame = enriched([reel(str(i), likes=4, comments=1) for i in range(4)])
    assert set(frame["engagement_tier"].astype(str)) == {"upper half"}


@pytest.mark.parametrize(("followers", "likes", "size", "tier"), [
    (5_000, 300, "nano", "above benchmark"),      # 6 %
    (5_000, 100, "nano", "within benchmark"),     # 2 % = bottom of the 2-5 % band, included
    (50_000, 400, "micro", "below benchmark"),    # 0.8 %
    (500_000, 5_000, "mid", "within benchmark"),  # 1 %
    (2_000_000, 40_000, "mega", "above benchmark"),  # 2 %
])
def test_benchmark_tier_uses_the_band_for_the_account_size(enriched, followers, likes, size, tier):
    frame = enriched([reel("a", likes=likes, comments=0)], followers=followers)
    assert metrics.account_size(followers) == size
    assert str(frame["benchmark_tier"].iloc[0]) == tier


def test_enrich_adds_every_registered_metric_and_keeps_the_input(enriched):
    frame = enriched([reel("a")])
    assert list(frame.columns[-len(metrics.METRICS):]) == list(metrics.METRICS)
    assert tuple(metrics.METRICS) == metrics.PER_REEL_COLUMNS
    assert frame["shortcode"].tolist() == ["a"]


def test_enrich_handles_an_empty_frame():
    frame = metrics.enrich_reels(reels_frame_from_rows([]), 1000, NOW)
    assert frame.empty and set(metrics.METRICS) <= set(frame.columns)


def test_enrich_accepts_a_naive_now_as_utc():
    frame = metrics.enrich_reels(reels_frame_from_rows([reel("a", posted_at="2026-03-30T12:00:00Z")]), 10,
                                 datetime(2026, 3, 31, 12, 0))
    assert frame["age_days"].iloc[0] == pytest.approx(1.0)
    assert NOW.tzinfo is UTC


def test_data_dictionary_covers_raw_fields_and_computed_columns():
    dictionary = metrics.data_dictionary()
    raw = ["shortcode", "media_id", "url", "thumbnail_url", "caption", "likes", "comments", "plays", "views",
           "duration", "posted_at", "product_type", "is_pinned", "hashtags", "mentions"]
    for name in raw + list(metrics.METRICS):
        assert set(dictionary[name]) == {"label", "unit", "description"}
        assert dictionary[name]["description"]
    assert "(likes + comments) / followers" in dictionary["engagement_rate"]["description"]


def test_methodology_is_generated_from_the_metric_docstrings():
    text = metrics.methodology_markdown()
    for name, metric in metrics.METRICS.items():
        assert f"`{name}`" in text and metric.description in text
    assert "HypeAuditor" in text and "approximate" in text


def test_posting_frequency_ignores_old_pinned_reels():
    frame = reels_frame_from_rows([
        reel("old", posted_at="2020-01-01T00:00:00Z", is_pinned=True),
        reel("a", posted_at="2026-03-01T00:00:00Z"),
        reel("b", posted_at="2026-03-08T00:00:00Z"),
        reel("c", posted_at="2026-03-15T00:00:00Z"),
    ])
    assert metrics.reels_per_week(frame["posted_at"], frame["is_pinned"]) == pytest.approx(1.0)


def test_posting_frequency_is_unknown_for_one_reel():
    frame = reels_frame_from_rows([reel("a")])
    assert metrics.reels_per_week(frame["posted_at"], frame["is_pinned"]) is None


def test_benchmark_docstring_states_the_bands_the_code_uses():
    description = metrics.METRICS["benchmark_tier"].description
    for low, high in metrics.BENCHMARK_BANDS.values():
        assert f"{low:g}-{high:g} %" in description


def test_metrics_time_is_when_the_analysis_finished_else_its_last_update():
    finished, updated = datetime(2026, 3, 31, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    assert metrics.metrics_time(finished, updated) == finished
    assert metrics.metrics_time(None, updated) == updated


def test_enrich_analysis_measures_ages_at_the_finish_with_the_profiles_followers():
    reels = reels_frame_from_rows([reel("a", posted_at="2026-03-30T12:00:00Z")])
    frame = metrics.enrich_analysis(reels, {"followers": 10}, datetime(2026, 3, 31, 12, tzinfo=UTC),
                                    datetime(2026, 4, 30, tzinfo=UTC))
    assert frame["age_days"].iloc[0] == pytest.approx(1.0)
