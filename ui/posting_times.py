"""The Posting times tab's totals: reels and medians per weekday and per hour, and the best one named only when the
data can carry it (core.analytics.aggregates.posting_totals / best_slot)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.aggregates import MIN_GROUP_REELS, BestSlot, best_slot, posting_totals
from ui import charts


def best_sentence(best: BestSlot | None, what: str, use_rate: bool) -> str:
    """'Best weekday: Tue …' with its sample and lead, or why none is named."""
    if best is None:
        return (f"No best {what} is named: it takes at least two {what}s with {MIN_GROUP_REELS} or more reels, the "
                "best leading the next by 10% or more.")
    value = f"{best.value:.2f}% median engagement rate" if use_rate else f"{best.value:,.0f} median plays"
    return (f"Best {what}: **{best.label}**, {value} over {best.reels} reels, {best.lead:.0%} above the next best "
            f"({best.runner_up}).")


def render_totals(reels: pd.DataFrame, tz: str, *, key: str) -> None:
    """Weekday and hour totals side by side, each with its best-slot sentence."""
    for column, by, what in zip(st.columns(2), ("weekday", "hour"), ("weekday", "hour"), strict=True):
        totals = posting_totals(reels, by, tz)
        use_rate = bool(totals["median_engagement_rate"].notna().any())
        with column:
            st.plotly_chart(charts.posting_totals_chart(totals, by, tz), key=f"posting-{by}-{key}",
                            config={"displaylogo": False})
            st.caption(best_sentence(best_slot(totals, "median_engagement_rate" if use_rate else "median_plays"),
                                     what, use_rate))
