"""Plotly figures for the dashboard. Pure functions: enriched reels frame in, go.Figure out.

Every reel-level trace carries customdata whose first element is the reel's URL (so a page can open the reel
on click) and a hover with the caption preview (HTML-escaped: Plotly renders tags in hover text) and counts.
Empty input gives an empty figure whose annotation says why. Colours: TIER_COLORS everywhere; no template is
set so the app's light or dark theme applies.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.analytics import aggregates as analytics
from core.analytics import metrics
from core.analytics.metrics import BENCHMARK_TIERS, ENGAGEMENT_TIERS, PLAYS_TIERS, TIER_RULES

# Mid-tone colours that keep contrast on both white and near-black backgrounds.
TIER_COLORS: dict[str, str] = {
    "viral": "#E8590C",
    "strong": "#F59F00",
    "typical": "#4C9BE8",
    "weak": "#9775FA",
    "top 10%": "#E8590C",
    "upper half": "#F59F00",
    "lower half": "#4C9BE8",
    "bottom 25%": "#9775FA",
    "above benchmark": "#2F9E44",
    "within benchmark": "#4C9BE8",
    "below benchmark": "#E03131",
    metrics.UNKNOWN: "#909296",
}
ACCENT_COLOR = "#4C9BE8"
TREND_COLOR = "#E64980"
TIER_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plays": ("plays_tier", PLAYS_TIERS),
    "engagement": ("engagement_tier", ENGAGEMENT_TIERS),
    "benchmark": ("benchmark_tier", BENCHMARK_TIERS),
}
# Compared profiles (Plotly's default qualitative palette: distinct in light and dark themes, and not the
# tier colours, so a profile is never mistaken for a tier).
PROFILE_COLORS = ("#636EFA", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3")
NO_REELS = "No reels yet: this profile has no videos"
NO_MATCH = "No reels match the filters: widen the date range or clear a filter"
CAPTION_PREVIEW_CHARS = 80
TOP_LABEL_CHARS = 28
# Beyond this many reels a scatter plots a sample (the highest plays always kept) and its title says so: the
# browser draws thousands of points slowly and the eye cannot tell them apart anyway.
MAX_SCATTER_POINTS = 1_000
KEEP_TOP_POINTS = 200
# A posting slot (weekday × hour) is coloured, and so ranked, only with at least this many reels.
MIN_SLOT_REELS = 3
UNDER_SAMPLED_COLOR = "#C5C7CC"
EMPTY_WRAP_CHARS = 44

REEL_HOVER = ("%{customdata[1]}<br>Posted %{customdata[2]}<br>Plays %{customdata[3]} · Likes %{customdata[4]} · "
              "Comments %{customdata[5]}<br>Engagement rate %{customdata[6]}<br>Shortcode %{customdata[7]}"
              "<extra></extra>")
LEGEND_BELOW = {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0, "title": {"text": ""}}


# --------------------------------------------------------------------------------------------------------------
# helpers


def caption_preview(caption: object, limit: int = CAPTION_PREVIEW_CHARS) -> str:
    """First `limit` characters of a caption on one line, HTML-escaped, "…" when cut; "(no caption)" if empty."""
    if caption is None or (not isinstance(caption, str) and pd.isna(caption)):
        return "(no caption)"
    text = " ".join(str(caption).split())
    if not text:
        return "(no caption)"
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return html.escape(text)


def _count_text(values: pd.Series) -> list[str]:
    return ["hidden" if pd.isna(v) else f"{int(v):,}" for v in values]


def _percent_text(values: pd.Series) -> list[str]:
    return ["unknown" if pd.isna(v) else f"{float(v):.2f}%" for v in values]


def _reel_customdata(reels: pd.DataFrame) -> np.ndarray:
    """Columns: url, caption preview, posted date, plays, likes, comments, engagement rate, shortcode (display
    strings)."""
    posted = ["unknown" if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M UTC") for t in reels["posted_at"]]
    columns = [
        [None if pd.isna(u) else str(u) for u in reels["url"]],
        [caption_preview(c) for c in reels["caption"]],
        posted,
        _count_text(reels["effective_plays"]),
        _count_text(reels["likes"]),
        _count_text(reels["comments"]),
        _percent_text(reels["engagement_rate"]),
        [html.escape(str(c)) for c in reels["shortcode"]],
    ]
    return np.array(columns, dtype=object).T.reshape(len(reels), len(columns))


def _numbers(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series]


def plotted_sample(known: pd.DataFrame, limit: int = MAX_SCATTER_POINTS) -> pd.DataFrame:
    """At most ``limit`` reels to plot, in their original order: the KEEP_TOP_POINTS with the most plays, and an
    evenly spaced selection of the rest (deterministic: the same reels give the same sample)."""
    if len(known) <= limit:
        return known
    top = known["effective_plays"].to_numpy(dtype="float64", na_value=-1.0).argsort(kind="stable")[::-1]
    keep = np.zeros(len(known), dtype=bool)
    keep[top[:KEEP_TOP_POINTS]] = True
    rest = np.flatnonzero(~keep)
    keep[rest[np.linspace(0, len(rest) - 1, limit - KEEP_TOP_POINTS).round().astype(np.int64)]] = True
    return known[keep]


def _sample_note(shown: int, total: int) -> str:
    return "" if shown == total else f" · showing {shown:,} of {total:,} reels (sample; top plays all kept)"


def _plays_scatter_by_tier(known: pd.DataFrame, x, hovertemplate: str) -> go.Figure:
    """One marker trace per plays tier (in tier order, consistent colours), plays on the y axis."""
    figure = go.Figure()
    for tier in PLAYS_TIERS:
        reels = known[known["plays_tier"] == tier]
        if reels.empty:
            continue
        figure.add_trace(go.Scatter(
            x=x(reels), y=_numbers(reels["effective_plays"]), mode="markers", name=tier,
            marker={"color": TIER_COLORS[tier], "size": 7}, customdata=_reel_customdata(reels),
            hovertemplate=hovertemplate))
    return figure


# Tick labels of every log axis: SI-abbreviated whole values ("2k, 5k, 10k, 100k, 1M"). Without a format Plotly
# labels the ticks between powers of ten with a bare digit ("5, 10k, 2, 5, 100k").
LOG_TICK_FORMAT = "~s"


def log_axis(title: str | None = None) -> dict:
    """The settings of every log-scale axis: full tick labels (LOG_TICK_FORMAT) and, when given, a title."""
    axis = {"type": "log", "tickformat": LOG_TICK_FORMAT}
    return {**axis, "title": {"text": title}} if title else axis


def _plays_axis(log_plays: bool) -> dict:
    return log_axis("Plays (log scale)") if log_plays else {"title": {"text": "Plays"}}


def count_axis(largest: float) -> dict:
    """An axis of counts (reels): whole-number ticks only, from zero."""
    axis = {"tickformat": ",d", "rangemode": "tozero"}
    return {**axis, "dtick": 1} if largest <= 8 else axis


def _profile_colors(count: int) -> list[str]:
    """One colour per compared profile, the same order on every comparison chart."""
    return [PROFILE_COLORS[i % len(PROFILE_COLORS)] for i in range(count)]


def empty_figure(message: str) -> go.Figure:
    """A blank figure with `message` (our own text, never scraped text) in the middle and no axes."""
    figure = go.Figure()
    wrapped = "<br>".join(textwrap.wrap(message, EMPTY_WRAP_CHARS)) or message
    figure.add_annotation(text=wrapped, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                          font={"size": 14})
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=320,
                         margin={"l": 20, "r": 20, "t": 40, "b": 20})
    return figure


def _empty_reason(enriched: pd.DataFrame, filtered: bool) -> str | None:
    if len(enriched):
        return None
    return NO_MATCH if filtered else NO_REELS


def _layout(figure: go.Figure, title: str, **kwargs) -> go.Figure:
    figure.update_layout(title={"text": title}, margin={"l": 40, "r": 20, "t": 60, "b": 40},
                         legend=LEGEND_BELOW, hovermode="closest", **kwargs)
    return figure


# --------------------------------------------------------------------------------------------------------------
# one profile


def plays_over_time(enriched: pd.DataFrame, window: int = 5, filtered: bool = False,
                    log_plays: bool = True) -> go.Figure:
    """Plays of each reel by posting date, coloured by plays tier, with the rolling median of plays over
    the last `window` reels; plays on a log scale unless `log_plays` is False. Reels with unknown plays are not
    plotted; beyond MAX_SCATTER_POINTS reels a sample is plotted (plotted_sample) and the title says so."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    trend = analytics.trend_frame(enriched, window)
    known = trend[trend["effective_plays"].notna()]
    if known.empty:
        return empty_figure("No play counts: Instagram withheld the plays of every reel shown "
                            "(the notice above says how to get them; the Engagement tiers need no plays)")
    shown = plotted_sample(known)
    figure = _plays_scatter_by_tier(shown, x=lambda reels: reels["posted_at"], hovertemplate=REEL_HOVER)
    line = plotted_sample(trend.rename(columns={"effective_plays": "_plays"})
                          .assign(effective_plays=trend["plays_rolling_median"]))
    figure.add_trace(go.Scatter(
        x=line["posted_at"], y=_numbers(line["plays_rolling_median"]), mode="lines",
        name=f"rolling median ({window} reels)", line={"color": TREND_COLOR, "width": 2},
        hovertemplate="Rolling median %{y:,.0f} plays<extra></extra>"))
    return _layout(figure, "Plays over time" + _sample_note(len(shown), len(known)), xaxis_title="Posted",
                   yaxis=_plays_axis(log_plays))


def tier_distribution(enriched: pd.DataFrame, kind: str = "plays", filtered: bool = False) -> go.Figure:
    """Number of reels in each tier; kind = plays (relative to the creator's median), engagement (quantiles) or
    benchmark (absolute, by account size). The hover shows each tier's rule."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    column, labels = TIER_KINDS[kind]
    counts = enriched[column].value_counts()
    values = [int(counts.get(label, 0)) for label in labels]
    figure = go.Figure(go.Bar(
        x=list(labels), y=values, marker={"color": [TIER_COLORS[label] for label in labels]}, text=values,
        textposition="auto", customdata=[TIER_RULES[label] for label in labels],
        hovertemplate="%{x}: %{y} reels<br>%{customdata}<extra></extra>"))
    titles = {"plays": "Plays tiers (relative to the creator's median)",
              "engagement": "Engagement tiers (creator's quantiles)",
              "benchmark": "Benchmark tiers (engagement rate vs account size)"}
    return _layout(figure, titles[kind], xaxis_title="Tier", showlegend=False,
                   yaxis={"title": {"text": "Reels"}, **count_axis(max(values, default=0))})


def _tag_frequency(enriched: pd.DataFrame, column: str, top: int, min_support: int, filtered: bool,
                   noun: str, prefix: str) -> go.Figure:
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    stats = analytics.hashtag_stats(enriched, column=column, min_support=min_support).head(top)
    if stats.empty:
        return empty_figure(f"No {noun} in these reels' captions")
    stats = stats.iloc[::-1]
    lift = [f"n/a (fewer than {min_support} reels)" if pd.isna(v) else f"{float(v):.2f}×"
            for v in stats["plays_lift"]]
    customdata = np.array([
        [f"{float(s):.1f}%" for s in stats["share"]],
        ["unknown" if pd.isna(v) else f"{float(v):,.0f}" for v in stats["median_plays_with"]],
        ["unknown" if pd.isna(v) else f"{float(v):,.0f}" for v in stats["median_plays_without"]],
        lift,
    ], dtype=object).T.reshape(len(stats), 4)
    on_bar = [f"{n} reels · lift {float(v):.2f}×" if pd.notna(v) else f"{n} reels · lift n/a"
              for n, v in zip(stats["reels"], stats["plays_lift"], strict=True)]
    figure = go.Figure(go.Bar(
        x=stats["reels"].tolist(), y=[html.escape(prefix + tag) for tag in stats["tag"]], orientation="h",
        marker={"color": ACCENT_COLOR}, customdata=customdata, text=on_bar, textposition="outside",
        cliponaxis=False,
        hovertemplate=("%{y}: %{x} reels (%{customdata[0]})<br>Median plays with %{customdata[1]}, "
                       "without %{customdata[2]}<br>Lift %{customdata[3]}<extra></extra>")))
    largest = int(stats["reels"].max())
    return _layout(figure, f"Most used {noun} (once per reel)", showlegend=False,
                   height=max(320, 28 * len(stats) + 120),
                   xaxis={"title": {"text": "Reels"}, "range": [0, largest * 1.6 + 1], **count_axis(largest)})


def hashtag_frequency(enriched: pd.DataFrame, top: int = 15, min_support: int = 3,
                      filtered: bool = False) -> go.Figure:
    """Horizontal bars: reels using each hashtag, with median plays with / without it and lift in the hover."""
    return _tag_frequency(enriched, "hashtags", top, min_support, filtered, "hashtags", "#")


def mention_frequency(enriched: pd.DataFrame, top: int = 15, min_support: int = 3,
                      filtered: bool = False) -> go.Figure:
    """Horizontal bars: reels mentioning each account, with median plays with / without it and lift in the hover."""
    return _tag_frequency(enriched, "mentions", top, min_support, filtered, "mentions", "@")


def top_performers(enriched: pd.DataFrame, metric: str = "plays", n: int = 10, filtered: bool = False) -> go.Figure:
    """Horizontal bars of the n best reels by `metric` (see analytics.top_performers), best at the top, coloured by
    plays tier, each labelled by its caption's first words and posting date (shortcode in the hover); pinned
    reels are marked "📌" in their label."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    top = analytics.top_performers(enriched, metric, n)
    if top.empty:
        return empty_figure(f"No reel has a known {metric.replace('_', ' ')}")
    labels = [f"{rank}. {_short_caption(caption, code)} · {_day(posted)}{' 📌' if pinned else ''}"
              for rank, caption, code, posted, pinned in zip(top["rank"], top["caption"], top["shortcode"],
                                                             top["posted_at"], top["is_pinned"], strict=True)]
    figure = go.Figure(go.Bar(
        y=labels, x=_numbers(top["value"]), orientation="h",
        marker={"color": [TIER_COLORS[str(t)] for t in top["plays_tier"]]},
        customdata=_reel_customdata(top), hovertemplate=REEL_HOVER))
    label = metrics.METRICS.get(analytics.TOP_PERFORMER_METRICS[metric])
    axis = label.label if label else metric.capitalize()
    return _layout(figure, f"Top {len(top)} reels by {axis.lower()}", xaxis_title=axis, showlegend=False,
                   yaxis={"autorange": "reversed", "automargin": True}, height=max(320, 34 * len(top) + 120))


def _short_caption(caption: object, shortcode: str) -> str:
    """A bar label: the caption's first words (HTML-escaped), or the shortcode when there is no caption."""
    preview = caption_preview(caption, TOP_LABEL_CHARS)
    return html.escape(str(shortcode)) if preview == "(no caption)" else preview


def _day(moment: object) -> str:
    return "date unknown" if moment is None or pd.isna(moment) else moment.strftime("%Y-%m-%d")


def duration_vs_plays(enriched: pd.DataFrame, filtered: bool = False, log_plays: bool = True) -> go.Figure:
    """Each reel's duration (seconds) against its plays (log scale unless `log_plays` is False), coloured by plays
    tier; reels with an unknown duration or plays are not plotted; many reels are sampled as in plays_over_time."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    known = enriched[enriched["duration"].notna() & enriched["effective_plays"].notna()]
    if known.empty:
        return empty_figure("No reel has both a known duration and known plays")
    shown = plotted_sample(known)
    figure = _plays_scatter_by_tier(shown, x=lambda reels: _numbers(reels["duration"]),
                                    hovertemplate="%{x:.0f} s<br>" + REEL_HOVER)
    return _layout(figure, "Duration vs plays" + _sample_note(len(shown), len(known)),
                   xaxis_title="Duration (seconds)", yaxis=_plays_axis(log_plays))


def posting_heatmap(enriched: pd.DataFrame, tz: str = "UTC", filtered: bool = False) -> go.Figure:
    """Weekday × hour heatmap of median engagement rate in time zone `tz`; each cell's text is its number of
    reels. Slots with fewer than MIN_SLOT_REELS reels are grey and never coloured (one reel ranks nothing). When
    the follower count is unknown the colour shows median plays instead (the title says which)."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    grid = analytics.posting_heatmap(enriched, tz)
    use_rate = grid["median_engagement_rate"].notna().any()
    value_column, value_label = (("median_engagement_rate", "Median engagement rate (%)") if use_rate
                                 else ("median_plays", "Median plays"))
    z = grid[value_column].to_numpy(dtype="float64", na_value=np.nan).reshape(7, 24)
    counts = grid["reels"].to_numpy().reshape(7, 24)
    enough = counts >= MIN_SLOT_REELS
    few = (counts > 0) & ~enough
    hours, days = list(range(24)), list(analytics.WEEKDAY_NAMES)
    figure = go.Figure()
    figure.add_trace(go.Heatmap(
        z=[[1.0 if f else None for f in row] for row in few], x=hours, y=days, customdata=counts,
        text=np.where(few, counts.astype(str), "").tolist(), texttemplate="%{text}", colorscale=[[0, UNDER_SAMPLED_COLOR], [1, UNDER_SAMPLED_COLOR]], showscale=False,
        hoverongaps=False, name="too few reels",
        hovertemplate=f"%{{y}} %{{x}}:00<br>%{{text}} reel(s): too few to rank (under {MIN_SLOT_REELS})"
                      "<extra></extra>"))
    figure.add_trace(go.Heatmap(
        z=[[None if not ok or np.isnan(v) else float(v) for v, ok in zip(row, oks, strict=True)]
           for row, oks in zip(z, enough, strict=True)], x=hours, y=days,
        text=np.where(enough, counts.astype(str), "").tolist(), texttemplate="%{text}", customdata=counts,
        colorscale="Viridis", colorbar={"title": {"text": value_label}}, hoverongaps=False,
        hovertemplate="%{y} %{x}:00<br>" + value_label + " %{z:.2f}<br>%{customdata} reels<extra></extra>"))
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, f"Posting times ({html.escape(tz)}); numbers = reels posted; grey = fewer than "
                   f"{MIN_SLOT_REELS} reels, not ranked", xaxis_title="Hour", xaxis={"dtick": 1}, title_font_size=14)


def posting_totals_chart(totals: pd.DataFrame, by: str, tz: str = "UTC") -> go.Figure:
    """Bars of the median engagement rate (median plays when no follower count is known) per weekday or per hour
    (core.analytics.aggregates.posting_totals); each bar's text is its reels; bars with fewer than
    MIN_GROUP_REELS reels are grey (shown, not ranked)."""
    if totals["reels"].sum() == 0:
        return empty_figure("No posting dates known")
    use_rate = totals["median_engagement_rate"].notna().any()
    column, label, fmt = (("median_engagement_rate", "Median engagement rate (%)", ".2f") if use_rate
                          else ("median_plays", "Median plays", ",.0f"))
    enough = totals["reels"] >= analytics.MIN_GROUP_REELS
    values = [None if pd.isna(v) else float(v) for v in totals[column]]
    figure = go.Figure(go.Bar(
        x=list(totals["label"]), y=values, text=[f"{n} reels" if n else "" for n in totals["reels"]],
        textposition="outside", customdata=list(totals["reels"]),
        marker={"color": [ACCENT_COLOR if ok else UNDER_SAMPLED_COLOR for ok in enough]},
        hovertemplate=f"%{{x}}<br>{label} %{{y:{fmt}}}<br>%{{customdata}} reels<extra></extra>"))
    what = "weekday" if by == "weekday" else "hour of day"
    return _layout(figure, f"By {what} ({html.escape(tz)}); grey = fewer than {analytics.MIN_GROUP_REELS} reels",
                   showlegend=False, yaxis={"title": {"text": label}, "rangemode": "tozero"},
                   xaxis={"type": "category"}, title_font_size=14)


def cadence(enriched: pd.DataFrame, filtered: bool = False) -> go.Figure:
    """Bars of reels posted per week (weeks start Monday, UTC), weeks without reels included."""
    if reason := _empty_reason(enriched, filtered):
        return empty_figure(reason)
    weeks = analytics.cadence_frame(enriched)
    if weeks.empty:
        return empty_figure("No posting dates known")
    figure = go.Figure(go.Bar(
        x=weeks["week_start"], y=weeks["reels"].tolist(), marker={"color": ACCENT_COLOR},
        customdata=["unknown" if pd.isna(v) else f"{float(v):,.0f}" for v in weeks["median_plays"]],
        hovertemplate="Week of %{x|%Y-%m-%d}: %{y} reels<br>Median plays %{customdata}<extra></extra>"))
    return _layout(figure, "Posting cadence (reels per week)", xaxis_title="Week", showlegend=False,
                   yaxis={"title": {"text": "Reels"}, **count_axis(int(weeks["reels"].max()))})


# --------------------------------------------------------------------------------------------------------------
# comparison of profiles: a sequence of (profile dict, enriched frame)

COMPARE_KPIS: dict[str, str] = {
    "median_plays": "Median plays",
    "median_engagement_rate": "Median engagement rate (%)",
    "median_engagement_per_play": "Median engagement per play (%)",
    "reels_per_week": "Reels per week",
}


def _name(profile: dict, position: int) -> str:
    return html.escape(str(profile.get("username") or f"profile {position + 1}"))


def compare_kpis(profiles: Sequence[tuple[dict, pd.DataFrame]]) -> go.Figure:
    """One small bar chart per KPI (median plays, median engagement rate, median engagement per play, reels per
    week), one bar per profile; unknown values are left blank."""
    if not profiles:
        return empty_figure("Pick two to five analysed profiles to compare")
    table = analytics.compare_profiles(profiles)
    names = [_name(profile, i) for i, (profile, _) in enumerate(profiles)]
    figure = make_subplots(rows=1, cols=len(COMPARE_KPIS), subplot_titles=list(COMPARE_KPIS.values()))
    for col, column in enumerate(COMPARE_KPIS, start=1):
        values = _numbers(table[column])
        figure.add_trace(go.Bar(x=names, y=values, marker={"color": _profile_colors(len(names))},
                                text=[_compare_text(column, v) for v in values], textposition="auto",
                                name=COMPARE_KPIS[column], showlegend=False,
                                hovertemplate="%{x}: %{y:,.2f}<extra></extra>"), row=1, col=col)
    known = [v for v in _numbers(table["median_plays"]) if v]
    if known and max(known) >= SPREAD_FOR_LOG * min(known):  # one profile dwarfs another: keep both readable
        figure.update_yaxes(log_axis(), row=1, col=1)
        figure.layout.annotations[0].text = COMPARE_KPIS["median_plays"] + " (log scale)"
    return _layout(figure, "Key figures side by side")


SPREAD_FOR_LOG = 20


def _compare_text(column: str, value: float | None) -> str:
    if value is None:
        return "unknown"
    if column == "median_plays":
        return compact_number(value)
    return f"{value:.2f}%" if column.startswith("median_engagement") else f"{value:.1f}"


def compact_number(value: float) -> str:
    """1234 → '1.2K', 1200000 → '1.2M' (the same form as the dashboard's cards)."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:,.0f}"


def compare_plays_distribution(profiles: Sequence[tuple[dict, pd.DataFrame]]) -> go.Figure:
    """Box plot of plays per reel for each profile (log scale; unknown plays left out)."""
    if not profiles or all(frame.empty for _, frame in profiles):
        return empty_figure("No reels yet: the profiles picked have no videos")
    figure = go.Figure()
    for i, (profile, enriched) in enumerate(profiles):
        known = enriched[enriched["effective_plays"].notna()]
        figure.add_trace(go.Box(y=_numbers(known["effective_plays"]), name=_name(profile, i), boxpoints="outliers",
                                customdata=_reel_customdata(known), hovertemplate=REEL_HOVER,
                                marker={"color": _profile_colors(len(profiles))[i]}))
    return _layout(figure, "Plays per reel", yaxis=log_axis("Plays (log scale)"), showlegend=False)


def compare_tier_mix(profiles: Sequence[tuple[dict, pd.DataFrame]], kind: str = "plays") -> go.Figure:
    """Stacked bars: share of each profile's reels in each tier (percent of reels analysed)."""
    if not profiles:
        return empty_figure("Pick two to five analysed profiles to compare")
    column, labels = TIER_KINDS[kind]
    names = [_name(profile, i) for i, (profile, _) in enumerate(profiles)]
    shares = []
    for _, enriched in profiles:
        counts = enriched[column].value_counts()
        total = len(enriched)
        shares.append([counts.get(label, 0) * 100.0 / total if total else 0.0 for label in labels])
    figure = go.Figure()
    for j, label in enumerate(labels):
        figure.add_trace(go.Bar(x=names, y=[row[j] for row in shares], name=label,
                                marker={"color": TIER_COLORS[label]}, customdata=[TIER_RULES[label]] * len(names),
                                hovertemplate="%{x}: %{y:.1f}% " + label + "<br>%{customdata}<extra></extra>"))
    return _layout(figure, f"Tier mix ({kind})", barmode="stack", yaxis_title="% of reels")
