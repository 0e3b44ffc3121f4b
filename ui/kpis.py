"""KPI cards from core.analytics.aggregates.profile_summary, with deltas against the creator's previous analysis."""

from __future__ import annotations

import streamlit as st

from core.analytics.metrics import METRICS
from ui.text import fmt_count, fmt_time

# (label, how to read the value from a summary, formatter, help)
_KPIS = (
    ("Reels analysed", lambda s: s["reels_analysed"], fmt_count, "Video posts stored for this analysis"),
    ("Median plays", lambda s: s["median"]["effective_plays"], fmt_count, METRICS["effective_plays"].description),
    ("Eng. rate", lambda s: s["median"]["engagement_rate"], lambda v: _pct(v),
     "Median over the reels. " + METRICS["engagement_rate"].description),
    ("Eng. per play", lambda s: s["median"]["engagement_per_play"], lambda v: _pct(v),
     "Median over the reels. " + METRICS["engagement_per_play"].description),
    ("Plays per day", lambda s: s["median"]["plays_per_day"], fmt_count,
     "Median over the reels. " + METRICS["plays_per_day"].description),
    ("Reels per week", lambda s: s["reels_per_week"], lambda v: "—" if v is None else f"{v:.1f}",
     "Posting frequency (pinned reels excluded)"),
)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def kpi_cards(summary: dict, previous: dict | None = None, previous_when=None) -> None:
    """One row of st.metric cards; deltas show the change since the creator's previous completed analysis."""
    columns = st.columns(len(_KPIS))
    for column, (label, read, fmt, help_text) in zip(columns, _KPIS, strict=True):
        value = read(summary)
        delta = None
        if previous is not None:
            before = read(previous)
            if value is not None and before is not None:
                # The change is shown in the metric's own unit; it is the difference of two core values.
                delta = fmt(value - before) if value != before else "no change"
                if delta != "no change" and value > before:
                    delta = "+" + delta
        column.metric(label, fmt(value), delta=delta, help=help_text, border=True,
                      delta_description=f"since {fmt_time(previous_when)}" if delta else None)
    notes = [summary.get("hidden_likes_text"), summary.get("missing_plays_text")]
    extra = f" · benchmark: median engagement rate is **{summary['benchmark_tier']}** for a " \
            f"{summary['account_size']} account" if summary.get("benchmark_tier") else ""
    st.caption(" · ".join(n for n in notes if n) + extra)
