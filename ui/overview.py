"""The "All profiles" table: core.analytics.cross_profile.library_overview of every completed analysis, one row each."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from core.analytics.metrics import METRICS
from core.storage.analyses import AnalysisState
from core.storage.engine import Database, get_database
from ui.column_help import SOURCE_HELP
from ui.tables import count_column, show_table
from ui.widgets import RESULTS_URL


@st.cache_data(max_entries=8, show_spinner=False)
def _overview(database_url: str, versions: tuple[tuple[str, datetime], ...]) -> pd.DataFrame:
    """Keyed by every completed analysis's id and updated_at: a completed, re-run or deleted analysis re-reads."""
    from core.analytics.cross_profile import library_overview

    return library_overview(get_database(database_url), [analysis_id for analysis_id, _ in versions])


def all_profiles_table(db: Database, analyses: list[AnalysisState]) -> None:
    completed = [a for a in analyses if a.status == "completed"]
    if not completed:
        st.info("Completed analyses appear here, one row each, with their key figures side by side.")
        return
    versions = tuple(sorted((a.analysis_id, a.updated_at) for a in completed))
    overview = _overview(db.url, versions)
    frame = pd.DataFrame({
        "profile": "@" + overview["username"],
        "created": overview["created_at"],
        "data": overview["data_source"],
        "followers": overview["followers"],
        "reels": overview["reels"],
        "median_plays": overview["median_plays"].round(),
        "p90_plays": overview["p90_plays"].round(),
        "median_engagement_rate": overview["median_engagement_rate"],
        "hidden_likes_share": overview["hidden_likes_share"],
        "open": overview["analysis_id"].map(RESULTS_URL.format),
    })
    plays, rate = METRICS["effective_plays"].label, METRICS["engagement_rate"].label
    show_table(frame, key="all-profiles", column_config={
        "profile": st.column_config.TextColumn("profile", width="small"),
        "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC",
                                                   width=130),
        "data": st.column_config.TextColumn("source", width=80, help=SOURCE_HELP),
        "followers": count_column("followers", withheld="followers"),
        "reels": count_column("reels"),
        "median_plays": count_column(f"median {plays.lower()}", withheld="plays"),
        "p90_plays": count_column(f"p90 {plays.lower()}", "90% of the analysed reels have at most this many plays.",
                                  withheld="plays"),
        "median_engagement_rate": st.column_config.NumberColumn(
            "median ER", format="%.2f%%", help=f"Median {rate.lower()}: {METRICS['engagement_rate'].unit}"),
        "hidden_likes_share": st.column_config.NumberColumn("likes hidden", format="%.1f%%",
                                                            help="Share of reels whose like count is hidden"),
        "open": st.column_config.LinkColumn("open", display_text="Open results", width="small"),
    })
    st.caption("Medians, means and percentiles skip hidden or missing counts; the engagement rate is by followers, "
               "as on the Results page (see its Methodology).")
