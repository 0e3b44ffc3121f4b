"""The Topics tab of the Results page and its topic filter. Every number comes from core.analytics.topics and
core.analytics.aggregates; this module only lays them out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.aggregates import ranking_metric, top_performers
from core.analytics.context import MIN_SAMPLE
from core.analytics.metrics import METRICS
from core.analytics.topics import NO_TOPIC, RANKED_BY, ranked_topics, topic_performance
from ui import cache, topic_charts
from ui.charts import caption_preview
from ui.column_help import TOOLTIPS
from ui.tables import count_column, rate_column, rates, show_table

BEST_REELS = 3


def attach(reels: pd.DataFrame, analysis_id: str) -> pd.DataFrame:
    """``reels`` with the analysis's ``topic`` column (loaded only here, where topics are used: see ui.cache.topics)."""
    return reels if "topic" in reels.columns else cache.topics(analysis_id).attach(reels)


def topic_labels(reels: pd.DataFrame) -> list[str]:
    """The analysis's topic labels in topic order (most reels first), from the ``topic`` column's categories."""
    if "topic" not in reels.columns:
        return []
    column = reels["topic"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(label) for label in column.cat.categories]
    return [str(label) for label in pd.unique(column.dropna())]


def filter_widget(reels: pd.DataFrame, *, key: str, kept: dict) -> None:
    """The topic filter (a select box), initialised from ``kept`` and writing its value back to it."""
    labels = [topic.label for topic in cache.topics(key).topics]
    chosen = kept.get("topic")
    kept["topic"] = st.selectbox("Topic", labels, index=labels.index(chosen) if chosen in labels else None,
                                 placeholder="Any topic" if labels else "No topics found", key=f"f-topic-{key}",
                                 disabled=not labels, help="Topics are found from caption words and hashtags "
                                                           "(see the Topics tab and Methodology).")


def filter_arguments(kept: dict) -> dict:
    """ReelFilters keyword arguments from the topic widget's value; nothing chosen = no filter."""
    return {"topic": kept.get("topic") or None}


def _performance_table(performance: pd.DataFrame, topics_hashtags: dict[str, str], *, key: str) -> None:
    table = performance.assign(hashtags=[topics_hashtags.get(t, "") for t in performance["topic"]])
    table = table[["topic", "hashtags", "reels", "share", "plays_sample", "median_plays", "median_engagement_rate",
                   "median_plays_per_day", "plays_lift"]]
    table = table.assign(median_plays_per_day=rates(table["median_plays_per_day"]))
    show_table(table, key=f"topics-table-{key}", column_config={
        "topic": st.column_config.TextColumn("topic", pinned=True, width="medium"),
        "hashtags": st.column_config.TextColumn("top hashtags"),
        "reels": count_column("reels"),
        "share": st.column_config.NumberColumn("share of reels", format="%.0f%%"),
        "plays_sample": count_column("reels with plays", "Reels of the topic whose plays are known."),
        "median_plays": st.column_config.NumberColumn("median plays", format="compact",
                                                      help=TOOLTIPS["effective_plays"]),
        "median_engagement_rate": st.column_config.NumberColumn("median eng. rate", format="%.2f%%"),
        "median_plays_per_day": rate_column("median plays/day", withheld="derived"),
        "plays_lift": st.column_config.NumberColumn(
            "lift vs creator", format="%.2f×",
            help=f"Topic median plays ÷ the creator's median plays; blank below {MIN_SAMPLE} reels with plays."),
    })


def _best_reels(reels: pd.DataFrame, labels: list[str], metric: str, *, key: str) -> None:
    rows = []
    for label in labels:
        group = reels[(reels["topic"].astype(object) == label).to_numpy(dtype=bool, na_value=False)]
        best = top_performers(group, metric, n=BEST_REELS)
        for row in best.itertuples(index=False):
            rows.append({"topic": label, "rank": row.rank, "caption": caption_preview(row.caption),
                         "posted": row.posted_at.date() if not pd.isna(row.posted_at) else None,
                         "value": row.value, "url": row.url})
    if not rows:
        st.info("No reel of any topic has a known value to rank by.")
        return
    column = METRICS.get({"plays": "effective_plays"}.get(metric, metric))
    show_table(pd.DataFrame(rows), key=f"topics-best-{key}", column_config={
        "topic": st.column_config.TextColumn("topic"), "rank": st.column_config.NumberColumn("#", width="small"),
        "caption": st.column_config.TextColumn("caption", width="large"),
        "posted": st.column_config.DateColumn("posted"),
        "value": st.column_config.NumberColumn(column.label if column else metric,
                                               format="%.2f%%" if metric == "engagement_rate" else "compact"),
        "url": st.column_config.LinkColumn("reel", display_text="open ↗"),
    })


def render_topics_tab(reels: pd.DataFrame, *, key: str, chart) -> None:
    """Topics by median plays (sample sizes shown), the per-topic table, topic mix by month, each topic's best
    reels. ``chart`` draws a figure (ui.sections.chart)."""
    reels = attach(reels, key)
    labels = topic_labels(reels)
    performance = topic_performance(reels) if labels else pd.DataFrame()
    if performance.empty:
        st.info("No topics here: topics need reels whose captions share words or hashtags with other reels "
                "(reels without a caption, or with emoji only, get no topic).", icon=":material/category:")
        return
    untopiced = int(reels["topic"].isna().sum())
    st.caption(f"{len(performance)} topic{'s' if len(performance) != 1 else ''} found from caption words and "
               f"hashtags in {len(reels):,} reels" + (f"; {untopiced:,} reels have no usable words ({NO_TOPIC})."
                                                      if untopiced else ".")
               + f" Topics are ranked only with at least {MIN_SAMPLE} reels with a known value.")
    metric = ranking_metric(reels)
    left, right = st.columns([3, 2])
    with left:
        chart(topic_charts.topics_ranked(performance, metric), key=f"topics-ranked-{key}", clickable=False)
        unranked = performance[~performance["topic"].isin(ranked_topics(performance, RANKED_BY[metric])["topic"])]
        if not unranked.empty:
            st.caption("Not ranked (too few reels with a known value): "
                       + ", ".join(f"{t} (n = {n})" for t, n in zip(unranked["topic"], unranked["reels"],
                                                                    strict=True)))
    with right:
        chart(topic_charts.topic_mix_over_time(reels, labels), key=f"topics-mix-{key}", clickable=False)
    hashtags = _topic_hashtags(reels)
    st.markdown("**Per-topic performance**")
    _performance_table(performance, hashtags, key=key)
    st.markdown(f"**Best reels of each topic** (by {metric.replace('_', ' ')})")
    _best_reels(reels, labels, metric, key=key)


def _topic_hashtags(reels: pd.DataFrame) -> dict[str, str]:
    """Label → its top hashtags ("#a #b"), from the frame's ``attrs`` when the loader put them there."""
    described = reels.attrs.get("topic_hashtags", {})
    return {label: " ".join(f"#{t}" for t in tags) for label, tags in described.items()}
