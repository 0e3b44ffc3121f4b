import pandas as pd
import pytest

from core.analytics import aggregates as analytics
from tests.analytics.builders import reel


def known(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def test_summary_excludes_hidden_likes_from_medians_and_counts_them(enriched):
    rows = [reel("a", likes=10, comments=0), reel("b", likes=20, comments=0), reel("c", likes=None, comments=50),
            reel("d", likes=30, comments=0, plays=None)]
    summary = analytics.profile_summary(enriched(rows, followers=1000), {"username": "ana", "followers": 1000})
    assert summary["reels_analysed"] == 4
    assert summary["hidden_likes"] == 1
    assert summary["hidden_likes_text"] == "likes hidden on 1 of 4 reels"
    assert summary["hidden_likes_share"] == pytest.approx(25.0)
    assert summary["missing_plays"] == 1
    assert summary["known"]["interactions"] == 3
    assert summary["median"]["interactions"] == 20.0          # not (10, 20, 30, 50) nor counting hidden as 0
    assert summary["mean"]["engagement_rate"] == pytest.approx(2.0)
    assert summary["median"]["effective_plays"] == 100.0
    assert summary["account_size"] == "nano"


def test_summary_of_no_reels_has_no_medians(enriched):
    summary = analytics.profile_summary(enriched([]), {"username": "empty", "followers": None})
    assert summary["reels_analysed"] == 0
    assert summary["median"]["effective_plays"] is None
    assert summary["reels_per_week"] is None
    assert summary["hidden_likes_share"] is None
    assert summary["benchmark_tier"] == "unknown"


def test_summary_posting_frequency_is_reels_per_week_over_the_span(enriched):
    rows = [reel(str(i), posted_at=f"2026-03-{1 + 2 * i:02d}T12:00:00Z") for i in range(8)]  # every 2 days
    summary = analytics.profile_summary(enriched(rows), {"followers": 1000})
    assert summary["reels_per_week"] == pytest.approx(3.5)


def test_hashtag_counted_once_per_reel_even_if_repeated(enriched):
    rows = [reel("a", hashtags=["cat", "cat", "dog"]), reel("b", hashtags=["cat"]), reel("c")]
    stats = analytics.hashtag_stats(enriched(rows), min_support=1).set_index("tag")
    assert stats.loc["cat", "reels"] == 2
    assert stats.loc["dog", "reels"] == 1
    assert stats.loc["cat", "share"] == pytest.approx(200 / 3)


def test_hashtag_lift_is_median_plays_with_over_without(enriched):
    rows = [reel("a", plays=300, hashtags=["cat"]), reel("b", plays=500, hashtags=["cat"]),
            reel("c", plays=100, hashtags=["cat"]), reel("d", plays=100), reel("e", plays=200),
            reel("f", plays=None, hashtags=["cat"])]
    stats = analytics.hashtag_stats(enriched(rows), min_support=3).set_index("tag")
    cat = stats.loc["cat"]
    assert cat["reels"] == 4
    assert cat["median_plays_with"] == 300.0       # median of 300, 500, 100; the unknown reel skipped
    assert cat["median_plays_without"] == 150.0    # median of 100, 200
    assert cat["plays_lift"] == pytest.approx(2.0)
    assert bool(cat["supported"])


def test_hashtag_lift_hidden_below_minimum_support(enriched):
    rows = [reel("a", plays=900, hashtags=["rare"]), reel("b", plays=100), reel("c", plays=100)]
    stats = analytics.hashtag_stats(enriched(rows), min_support=3).set_index("tag")
    assert stats.loc["rare", "median_plays_with"] == 900.0
    assert known([stats.loc["rare", "plays_lift"], stats.loc["rare", "engagement_lift"]]) == [None, None]
    assert not bool(stats.loc["rare", "supported"])


def test_tag_used_on_every_reel_has_no_without_median(enriched):
    rows = [reel(str(i), hashtags=["all"]) for i in range(3)]
    stats = analytics.hashtag_stats(enriched(rows))
    assert known(stats["median_plays_without"]) == [None]
    assert known(stats["plays_lift"]) == [None]


def test_mentions_use_the_same_statistics(enriched):
    rows = [reel("a", mentions=["bob"]), reel("b", mentions=["bob", "eve"])]
    stats = analytics.hashtag_stats(enriched(rows), column="mentions")
    assert stats[["tag", "reels"]].values.tolist() == [["bob", 2], ["eve", 1]]


def test_no_hashtags_give_an_empty_table(enriched):
    assert analytics.hashtag_stats(enriched([reel("a")])).empty
    assert analytics.tag_pairs(enriched([reel("a")])).empty


def test_tag_pairs_count_reels_using_both(enriched):
    rows = [reel("a", hashtags=["x", "y", "z"]), reel("b", hashtags=["y", "x"]), reel("c", hashtags=["z"])]
    pairs = analytics.tag_pairs(enriched(rows), top=2)
    assert pairs[["tag_a", "tag_b", "reels"]].values.tolist() == [["x", "y", 2], ["x", "z", 1]]


def test_top_performers_skip_unknown_and_flag_pinned(enriched):
    rows = [reel("a", likes=5), reel("b", likes=None), reel("c", likes=50, is_pinned=True), reel("d", likes=20)]
    top = analytics.top_performers(enriched(rows), "likes", n=2)
    assert top["shortcode"].tolist() == ["c", "d"]
    assert top["rank"].tolist() == [1, 2]
    assert top["value"].tolist() == [50.0, 20.0]
    assert top["is_pinned"].tolist() == [True, False]


def test_top_performers_by_plays_use_views_fallback_and_break_ties_by_recency(enriched):
    rows = [reel("old", plays=100, posted_at="2026-01-01T00:00:00Z"),
            reel("new", plays=None, views=100, posted_at="2026-02-01T00:00:00Z")]
    assert analytics.top_performers(enriched(rows), "plays")["shortcode"].tolist() == ["new", "old"]


def test_top_performers_reject_unknown_metric(enriched):
    with pytest.raises(ValueError, match="unknown metric"):
        analytics.top_performers(enriched([reel("a")]), "saves")


def test_trend_is_in_posting_order_with_rolling_median(enriched):
    rows = [reel("c", plays=300, posted_at="2026-03-03T00:00:00Z"), reel("a", plays=100, posted_at="2026-03-01T00:00:00Z"),
            reel("b", plays=None, posted_at="2026-03-02T00:00:00Z")]
    trend = analytics.trend_frame(enriched(rows), window=3)
    assert trend["shortcode"].tolist() == ["a", "b", "c"]
    assert known(trend["plays_rolling_median"]) == [100.0, 100.0, 200.0]


def test_cadence_counts_reels_per_monday_week_including_empty_weeks(enriched):
    rows = [reel("a", posted_at="2026-03-02T10:00:00Z"), reel("b", posted_at="2026-03-08T23:00:00Z"),
            reel("c", posted_at="2026-03-17T00:00:00Z")]
    weeks = analytics.cadence_frame(enriched(rows))
    assert [d.strftime("%Y-%m-%d") for d in weeks["week_start"]] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert weeks["reels"].tolist() == [2, 0, 1]


def test_heatmap_shifts_to_the_chosen_time_zone(enriched):
    # Monday 23:30 UTC is Tuesday 08:30 in Tokyo (UTC+9)
    frame = enriched([reel("a", posted_at="2026-03-02T23:30:00Z", likes=30)])
    utc = analytics.posting_heatmap(frame).query("reels > 0")
    tokyo = analytics.posting_heatmap(frame, tz="Asia/Tokyo").query("reels > 0")
    assert utc[["weekday_name", "hour", "reels"]].values.tolist() == [["Mon", 23, 1]]
    assert tokyo[["weekday_name", "hour", "reels"]].values.tolist() == [["Tue", 8, 1]]
    assert tokyo["median_engagement_rate"].iloc[0] == pytest.approx(3.0)


def test_heatmap_has_every_cell_and_medians_per_cell(enriched):
    rows = [reel("a", likes=10, posted_at="2026-03-02T09:05:00Z"), reel("b", likes=30, posted_at="2026-03-09T09:55:00Z"),
            reel("c", likes=None, posted_at="2026-03-09T09:10:00Z")]
    grid = analytics.posting_heatmap(enriched(rows, followers=1000))
    assert len(grid) == 168
    cell = grid[(grid["weekday"] == 0) & (grid["hour"] == 9)].iloc[0]
    assert cell["reels"] == 3
    assert cell["median_engagement_rate"] == pytest.approx(2.0)


def test_heatmap_rejects_unknown_time_zone(enriched):
    with pytest.raises(ValueError, match="unknown time zone"):
        analytics.posting_heatmap(enriched([reel("a")]), tz="Mars/Olympus")


def test_compare_profiles_one_row_each_in_order(enriched):
    small = enriched([reel("a", likes=50, comments=0, plays=100), reel("b", likes=30, plays=400)], followers=1000)
    unknown = enriched([reel("c", likes=None)], followers=None)
    table = analytics.compare_profiles([({"username": "small", "followers": 1000}, small),
                                        ({"username": "nobody", "followers": None}, unknown)])
    assert table["username"].tolist() == ["small", "nobody"]
    assert table["median_engagement_rate"].iloc[0] == pytest.approx(4.0)
    assert pd.isna(table["median_engagement_rate"].iloc[1])
    assert table["account_size"].tolist() == ["nano", "unknown"]
    assert table["viral_share"].tolist() == [0.0, 0.0]
    assert table["hidden_likes_share"].tolist() == [0.0, 100.0]


def test_every_aggregation_accepts_a_profile_without_reels(enriched):
    frame = enriched([], followers=None)
    assert analytics.hashtag_stats(frame).empty and analytics.tag_pairs(frame).empty
    assert analytics.trend_frame(frame).empty and analytics.cadence_frame(frame).empty
    assert analytics.top_performers(frame, "plays").empty
    assert analytics.posting_heatmap(frame)["reels"].sum() == 0
    assert len(analytics.compare_profiles([({"username": "none"}, frame)])) == 1


def test_aggregations_work_on_a_filtered_frame_keeping_original_index(enriched):
    frame = enriched([reel("a", plays=100, hashtags=["x"], posted_at="2026-03-01T10:00:00Z"),
                      reel("b", plays=900, hashtags=["x"], posted_at="2026-03-02T10:00:00Z"),
                      reel("c", plays=300, posted_at="2026-03-03T10:00:00Z")])
    subset = frame.iloc[[2, 1]]
    assert analytics.top_performers(subset, "plays")["shortcode"].tolist() == ["b", "c"]
    assert analytics.trend_frame(subset)["shortcode"].tolist() == ["b", "c"]
    assert analytics.hashtag_stats(subset, min_support=1)["median_plays_without"].tolist() == [300.0]
    assert analytics.posting_heatmap(subset)["reels"].sum() == 2
    assert analytics.cadence_frame(subset)["reels"].tolist() == [2]
