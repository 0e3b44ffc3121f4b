"""Plotly figures of topics (core.analytics.topics). Pure functions: tables or reels in, go.Figure out."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.analytics.topics import NO_TOPIC, RANKED_BY, SAMPLE_OF, ranked_topics, topic_mix_by_month, topic_performance
from ui.charts import _layout, compact_number, empty_figure

# Plotly's qualitative palette (distinct in light and dark themes); reels without a topic are grey.
TOPIC_COLORS = ("#636EFA", "#EF553B", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3", "#FF6692", "#B6E880")
NO_TOPIC_COLOR = "#C5C7CC"
METRIC_TITLES = {"median_plays": "Median plays", "median_engagement_rate": "Median engagement rate (%)",
                 "median_likes": "Median likes"}


def topic_colors(labels: Sequence[str]) -> dict[str, str]:
    """One colour per topic label, in the order given (topic order: most reels first), grey for no topic."""
    colors = {label: TOPIC_COLORS[i % len(TOPIC_COLORS)] for i, label in enumerate(labels) if label != NO_TOPIC}
    colors[NO_TOPIC] = NO_TOPIC_COLOR
    return colors


def _value_text(column: str, value: float) -> str:
    return f"{value:.2f}%" if column == "median_engagement_rate" else compact_number(value)


def topics_ranked(performance: pd.DataFrame, ranked_by: str = "plays") -> go.Figure:
    """Horizontal bars: topics with enough reels by their median (plays, else engagement rate, else likes: the
    order of core.analytics.aggregates.ranking_metric), best on top, each labelled with its sample size."""
    column = RANKED_BY[ranked_by]
    if performance.empty:
        return empty_figure("No topics: too few reels with caption words or hashtags")
    ranked = ranked_topics(performance, column)
    if ranked.empty:
        return empty_figure("No topic has enough reels to rank (5 with a known value)")
    colors = topic_colors(performance["topic"].tolist())
    ordered = ranked.iloc[::-1]
    sample = ordered[SAMPLE_OF[column]]
    text = [f"{_value_text(column, float(v))} · n = {int(n)}" for v, n in zip(ordered[column], sample, strict=True)]
    figure = go.Figure(go.Bar(
        x=[float(v) for v in ordered[column]], y=[html.escape(t) for t in ordered["topic"]], orientation="h",
        marker={"color": [colors[t] for t in ordered["topic"]]}, text=text, textposition="auto",
        customdata=list(zip(ordered["reels"].astype(int), ordered["share"].round(1), strict=True)),
        hovertemplate="%{y}<br>" + METRIC_TITLES[column] + ": %{x:,.2f}<br>%{customdata[0]} reels "
                      "(%{customdata[1]}% of reels)<extra></extra>"))
    return _layout(figure, f"Topics by {METRIC_TITLES[column].lower()} (n = reels with a known value)",
                   xaxis_title=METRIC_TITLES[column], showlegend=False, height=max(260, 70 + 48 * len(ordered)),
                   yaxis={"automargin": True})


def topic_mix_over_time(reels: pd.DataFrame, labels: Sequence[str]) -> go.Figure:
    """Stacked bars: each month's reels split by topic, as a share of that month's reels (hover: reel counts)."""
    mix = topic_mix_by_month(reels)
    if mix.empty:
        return empty_figure("No posting dates known")
    colors = topic_colors(list(labels))
    figure = go.Figure()
    for label in [*labels, NO_TOPIC]:
        part = mix[mix["topic"] == label]
        if part.empty:
            continue
        figure.add_trace(go.Bar(
            x=part["month"], y=part["share"].round(1).tolist(), name=html.escape(label),
            marker={"color": colors.get(label, NO_TOPIC_COLOR)}, customdata=part["reels"].tolist(),
            hovertemplate="%{x|%b %Y}: %{y}% of the month's reels (%{customdata} reels)<extra>%{fullData.name}"
                          "</extra>"))
    return _layout(figure, "Topic mix over time (share of each month's reels)", barmode="stack",
                   xaxis_title="Month", yaxis={"title": {"text": "% of reels"}, "range": [0, 100]})


def compare_topic_mix(profiles: Sequence[tuple[dict, pd.DataFrame]]) -> go.Figure:
    """One horizontal stacked bar per profile: the share of its reels in each of its own topics."""
    figure = go.Figure()
    names = []
    for position, (profile, reels) in enumerate(profiles):
        name = html.escape(str(profile.get("username") or f"profile {position + 1}"))
        names.append(name)
        if "topic" not in reels.columns or reels.empty:
            continue
        performance = topic_performance(reels)
        colors = topic_colors(performance["topic"].tolist())
        rows = [*performance[["topic", "share", "reels"]].itertuples(index=False, name=None)]
        untopiced = int(reels["topic"].isna().sum())
        if untopiced:
            rows.append((NO_TOPIC, untopiced * 100.0 / len(reels), untopiced))
        for label, share, count in rows:
            figure.add_trace(go.Bar(
                x=[round(float(share), 1)], y=[name], orientation="h", showlegend=False,
                marker={"color": colors.get(label, NO_TOPIC_COLOR), "line": {"width": 1, "color": "white"}},
                text=[html.escape(label)], textposition="inside", insidetextanchor="middle",
                hovertemplate=f"{name}<br>{html.escape(label)}: %{{x}}% of reels ({int(count)} reels)<extra></extra>"))
    if not figure.data:
        return empty_figure("No topics: too few reels with caption words or hashtags")
    return _layout(figure, "Topic mix per profile (share of each profile's reels)", barmode="stack",
                   xaxis={"title": {"text": "% of reels"}, "range": [0, 100]},
                   yaxis={"categoryorder": "array", "categoryarray": names[::-1], "automargin": True},
                   height=max(240, 90 + 70 * len(profiles)))
