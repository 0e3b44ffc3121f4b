import plotly.graph_objects as go
import pytest

from core.analytics.metrics import PLAYS_TIERS
from tests.analytics.builders import reel
from ui import charts

PROFILE = {"username": "ana", "followers": 1000}


def hover_rows(figure: go.Figure) -> list:
    return [row for trace in figure.data if trace.customdata is not None for row in trace.customdata]


def test_every_tier_has_one_colour():
    assert set(PLAYS_TIERS) <= set(charts.TIER_COLORS)
    assert all(colour.startswith("#") for colour in charts.TIER_COLORS.values())


@pytest.mark.parametrize("chart", [charts.plays_over_time, charts.tier_distribution, charts.hashtag_frequency,
                                   charts.mention_frequency, charts.top_performers, charts.duration_vs_plays,
                                   charts.posting_heatmap, charts.cadence])
def test_no_reels_give_an_empty_figure_saying_why(enriched, chart):
    figure = chart(enriched([]))
    assert isinstance(figure, go.Figure) and not figure.data
    assert figure.layout.annotations[0].text == "No reels yet: this profile has no videos"


def test_filtered_away_reels_say_to_widen_filters(enriched):
    figure = charts.cadence(enriched([]), filtered=True)
    assert "No reels match the filters" in figure.layout.annotations[0].text


def test_plays_over_time_plots_known_plays_by_tier_with_rolling_median(enriched):
    rows = [reel("a", plays=100), reel("b", plays=400), reel("c", plays=None), reel("d", plays=110)]
    figure = charts.plays_over_time(enriched(rows))
    points = [trace for trace in figure.data if trace.mode == "markers"]
    assert sum(len(trace.y) for trace in points) == 3
    assert {trace.name for trace in points} == {"viral", "typical"}
    assert [trace.marker.color for trace in points if trace.name == "viral"] == [charts.TIER_COLORS["viral"]]
    assert figure.data[-1].mode == "lines" and len(figure.data[-1].y) == 4


def test_hover_escapes_caption_html_and_carries_the_reel_url(enriched):
    caption = "<script>alert(1)</script> " + "x" * 100
    figure = charts.plays_over_time(enriched([reel("a", caption=caption)]))
    url, preview = hover_rows(figure)[0][:2]
    assert url == "https://www.instagram.com/reel/a/"
    assert preview.startswith("&lt;script&gt;alert(1)&lt;/script&gt; xxx")
    assert preview.endswith("…") and "<script>" not in figure.to_json()


def test_hover_says_hidden_for_unknown_likes(enriched):
    figure = charts.duration_vs_plays(enriched([reel("a", likes=None, comments=3, plays=1234)]))
    row = hover_rows(figure)[0]
    assert list(row[3:7]) == ["1,234", "hidden", "3", "unknown"]


def test_tier_distribution_has_one_bar_per_tier_with_rules(enriched):
    rows = [reel("a", plays=100), reel("b", plays=100), reel("c", plays=900), reel("d", plays=None)]
    figure = charts.tier_distribution(enriched(rows))
    bar = figure.data[0]
    assert list(bar.x) == list(PLAYS_TIERS)
    assert list(bar.y) == [1, 0, 2, 0, 1]
    assert "3× the creator's median" in bar.customdata[0]


def test_hashtag_frequency_bars_show_counts_and_hide_lift_below_support(enriched):
    rows = [reel("a", hashtags=["cat", "dog"]), reel("b", hashtags=["cat"]), reel("c", hashtags=["cat"])]
    figure = charts.hashtag_frequency(enriched(rows), min_support=3)
    bar = figure.data[0]
    assert list(bar.y) == ["#dog", "#cat"] and list(bar.x) == [1, 3]
    assert bar.customdata[0][3].startswith("n/a")


def test_mention_frequency_without_mentions_says_so(enriched):
    figure = charts.mention_frequency(enriched([reel("a")]))
    assert figure.layout.annotations[0].text == "No mentions in these reels' captions"


def test_top_performers_marks_pinned_reels(enriched):
    rows = [reel("a", plays=900, is_pinned=True), reel("b", plays=100)]
    bar = charts.top_performers(enriched(rows), "plays", n=5).data[0]
    assert list(bar.x) == ["1. a 📌", "2. b"]
    assert list(bar.y) == [900.0, 100.0]


def test_heatmap_cells_show_reel_counts_in_the_chosen_zone(enriched):
    figure = charts.posting_heatmap(enriched([reel("a", posted_at="2026-03-02T23:30:00Z")]), tz="Asia/Tokyo")
    heat = figure.data[0]
    assert heat.text[1][8] == "1"          # Tuesday 08:00 in Tokyo
    assert heat.customdata[1][8] == 1 and heat.customdata[0][23] == 0


def test_cadence_has_one_bar_per_week(enriched):
    rows = [reel("a", posted_at="2026-03-02T10:00:00Z"), reel("b", posted_at="2026-03-17T00:00:00Z")]
    assert list(charts.cadence(enriched(rows)).data[0].y) == [1, 0, 1]


def test_compare_charts_cover_each_profile(enriched):
    first = enriched([reel("a", plays=100), reel("b", plays=1000)])
    second = enriched([reel("c", plays=50)], followers=None)
    profiles = [(PROFILE, first), ({"username": "<b>bo</b>", "followers": None}, second)]
    kpis = charts.compare_kpis(profiles)
    assert len(kpis.data) == len(charts.COMPARE_KPIS)
    assert list(kpis.data[0].x) == ["ana", "&lt;b&gt;bo&lt;/b&gt;"]
    box = charts.compare_plays_distribution(profiles)
    assert [len(trace.y) for trace in box.data] == [2, 1]
    mix = charts.compare_tier_mix(profiles)
    assert [trace.name for trace in mix.data] == list(PLAYS_TIERS)
    assert sum(trace.y[0] for trace in mix.data) == pytest.approx(100.0)


def test_compare_without_profiles_explains_what_to_do():
    assert "Pick two to five" in charts.compare_kpis([]).layout.annotations[0].text


def test_caption_preview_handles_missing_and_whitespace():
    assert charts.caption_preview(None) == "(no caption)"
    assert charts.caption_preview("  a\n\nb  ") == "a b"
    assert charts.caption_preview("a & b") == "a &amp; b"
