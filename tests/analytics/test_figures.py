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
    assert list(bar.y) == ["1. caption a · 2026-03-01 📌", "2. caption b · 2026-03-01"]
    assert list(bar.x) == [900.0, 100.0]


def test_heatmap_cells_show_reel_counts_in_the_chosen_zone(enriched):
    figure = charts.posting_heatmap(enriched([reel("a", posted_at="2026-03-02T23:30:00Z")]), tz="Asia/Tokyo")
    heat = figure.data[0]  # one reel: the grey, under-sampled layer
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


def test_plays_are_on_a_log_scale_by_default_with_a_linear_option(enriched):
    rows = [reel("a", plays=100), reel("b", plays=100_000)]
    assert charts.plays_over_time(enriched(rows)).layout.yaxis.type == "log"
    assert charts.duration_vs_plays(enriched(rows)).layout.yaxis.type == "log"
    assert charts.plays_over_time(enriched(rows), log_plays=False).layout.yaxis.type in (None, "linear")


def test_legends_sit_in_a_row_under_the_chart_not_beside_it(enriched):
    figure = charts.plays_over_time(enriched([reel("a", plays=100), reel("b", plays=900)]))
    assert figure.layout.legend.orientation == "h"


def test_many_reels_are_downsampled_and_the_title_says_so(enriched):
    rows = [reel(f"r{i}", plays=100 + i, posted_at=f"2026-01-01T00:{i % 60:02d}:00Z")
            for i in range(charts.MAX_SCATTER_POINTS + 500)]
    figure = charts.plays_over_time(enriched(rows))
    points = [trace for trace in figure.data if trace.mode == "markers"]
    assert sum(len(trace.y) for trace in points) == charts.MAX_SCATTER_POINTS
    assert f"{charts.MAX_SCATTER_POINTS:,} of {charts.MAX_SCATTER_POINTS + 500:,} reels" in figure.layout.title.text
    assert max(max(trace.y) for trace in points) == 100 + charts.MAX_SCATTER_POINTS + 499  # the top reel stays


def test_top_performers_are_labelled_by_caption_and_date_with_the_shortcode_in_the_hover(enriched):
    rows = [reel("abc", plays=900, caption="Morning routine in Lisbon", posted_at="2026-03-02T10:00:00Z")]
    bar = charts.top_performers(enriched(rows), "plays").data[0]
    assert list(bar.y) == ["1. Morning routine in Lisbon · 2026-03-02"]
    assert "abc" in bar.customdata[0] and "%{customdata[7]}" in bar.hovertemplate


def test_count_axes_only_have_whole_numbers(enriched):
    figure = charts.cadence(enriched([reel("a", posted_at="2026-03-02T10:00:00Z")]))
    assert figure.layout.yaxis.tickformat == ",d" and figure.layout.yaxis.dtick == 1


def test_heatmap_greys_out_and_never_colours_slots_with_too_few_reels(enriched):
    rows = [reel("a", posted_at="2026-03-02T10:00:00Z")] + \
        [reel(f"b{i}", posted_at="2026-03-03T11:00:00Z") for i in range(charts.MIN_SLOT_REELS)]
    figure = charts.posting_heatmap(enriched(rows))
    ranked, greyed = figure.data[-1], figure.data[0]
    assert ranked.z[0][10] is None and greyed.z[0][10] == 1   # Monday 10:00: one reel, not ranked
    assert ranked.z[1][11] is not None and greyed.z[1][11] is None
    assert ranked.text[1][11] == str(charts.MIN_SLOT_REELS) and greyed.text[0][10] == "1"
    assert f"fewer than {charts.MIN_SLOT_REELS} reels" in figure.layout.title.text


def test_hashtag_lift_is_written_on_the_bar(enriched):
    rows = [reel("a", hashtags=["cat"], plays=300), reel("b", hashtags=["cat"], plays=300),
            reel("c", hashtags=["cat"], plays=300), reel("d", plays=100)]
    bar = charts.hashtag_frequency(enriched(rows), min_support=3).data[0]
    assert list(bar.text) == ["3 reels · lift 3.00×"]


def test_compare_median_plays_stay_readable_when_one_profile_has_100x_the_plays(enriched):
    small = enriched([reel("a", plays=1_000)])
    big = enriched([reel("b", plays=100_000)])
    figure = charts.compare_kpis([(PROFILE, small), ({"username": "big", "followers": 1000}, big)])
    assert figure.layout.yaxis.type == "log"
    assert list(figure.data[0].text) == ["1.0K", "100.0K"]


def test_long_empty_state_messages_wrap_instead_of_being_cut():
    text = charts.empty_figure(charts.NO_MATCH).layout.annotations[0].text
    assert "<br>" in text and text.replace("<br>", " ") == charts.NO_MATCH
