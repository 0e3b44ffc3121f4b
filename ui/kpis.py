"""KPI cards from core.analytics.aggregates.profile_summary, with deltas against the creator's previous analysis."""

from __future__ import annotations

import re

import streamlit as st

from ui.column_help import TOOLTIPS
from ui.text import fmt_count, fmt_rate, fmt_time

# (label, how to read the value from a summary, formatter, help)
_KPIS = (
    ("Reels analysed", lambda s: s["reels_analysed"], fmt_count, "Video posts stored for this analysis"),
    ("Median plays", lambda s: s["median"]["effective_plays"], fmt_count,
     "Median over the reels. " + TOOLTIPS["effective_plays"]),
    ("Eng. rate", lambda s: s["median"]["engagement_rate"], lambda v: _pct(v),
     "Median over the reels. " + TOOLTIPS["engagement_rate"]),
    ("Eng. per play", lambda s: s["median"]["engagement_per_play"], lambda v: _pct(v),
     "Median over the reels. " + TOOLTIPS["engagement_per_play"]),
    ("Plays per day", lambda s: s["median"]["plays_per_day"], fmt_rate,
     "Median over the reels. " + TOOLTIPS["plays_per_day"]),
    ("Reels per week", lambda s: s["reels_per_week"], lambda v: "—" if v is None else f"{v:.1f}",
     "Posting frequency (pinned reels excluded)"),
)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


NO_CHANGE = "no change"


def delta_text(value, before, fmt) -> str | None:
    """The change from ``before`` to ``value`` in the metric's own format: '+1.2K', '-0.35%', or NO_CHANGE when the
    difference does not show at that precision (never '-0.00'); None when either value is unknown."""
    if value is None or before is None:
        return None
    text = fmt(abs(value - before))
    if not re.sub(r"[^0-9]", "", text).strip("0"):
        return NO_CHANGE
    return ("+" if value > before else "-") + text


def filtered_note(shown: int, total: int) -> str:
    return (f"These figures are of the {shown:,} reels that match the filters (of {total:,}); changes since the "
            "previous analysis are shown without filters.")


def kpi_cards(summary: dict, previous: dict | None = None, previous_when=None, *, of_total: int | None = None) -> None:
    """One row of st.metric cards; deltas show the change since the creator's previous completed analysis (same
    data source), whose date is said once above the cards. ``of_total``: the summary is of the reels matching the
    filters, out of that many; the cards say so, and show no deltas (the previous analysis is not filtered)."""
    if of_total is not None:
        st.caption(filtered_note(summary["reels_analysed"], of_total))
        previous = None
    if previous is not None:
        st.caption(f"Changes are since this creator's previous analysis, {fmt_time(previous_when)} "
                   "(from the same data source).")
    columns = st.columns(len(_KPIS))
    for column, (label, read, fmt, help_text) in zip(columns, _KPIS, strict=True):
        delta = delta_text(read(summary), read(previous), fmt) if previous is not None else None
        neutral = delta == NO_CHANGE
        value = fmt(read(summary))
        if of_total is not None and label == "Reels analysed":
            label, value = "Reels shown", f"{value} of {fmt_count(of_total)}"
        column.metric(label, value, delta=delta, help=help_text, border=True,
                      delta_color="off" if neutral else "normal", delta_arrow="off" if neutral else "auto")
    notes = [summary.get("hidden_likes_text"), summary.get("missing_plays_text")]
    extra = f" · benchmark: median engagement rate is **{summary['benchmark_tier']}** for a " \
            f"{summary['account_size']} account" if summary.get("benchmark_tier") else ""
    st.caption(" · ".join(n for n in notes if n) + extra)
