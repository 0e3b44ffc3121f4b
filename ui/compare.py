"""Building blocks of the Compare page: the chosen analyses as (profile, enriched reels) pairs and shared tags."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.aggregates import hashtag_stats
from core.storage.analyses import AnalysisState
from core.storage.engine import Database
from ui import cache
from ui.tables import count_column, show_table
from ui.text import fmt_time


def profiles_for(db: Database, chosen: list[AnalysisState]) -> list[tuple[dict, pd.DataFrame]]:
    """(profile, enriched reels) per analysis; a username picked twice is told apart by its snapshot date."""
    repeated = {s.username for s in chosen if sum(o.username == s.username for o in chosen) > 1}
    pairs = []
    for analysis in chosen:
        reels, profile = cache.enriched(db, analysis)
        profile = dict(profile or {"username": analysis.username})
        if analysis.username in repeated:
            profile["username"] = f"{analysis.username} ({fmt_time(analysis.created_at)})"
        pairs.append((profile, reels))
    return pairs


def shared_hashtags(profiles: list[tuple[dict, pd.DataFrame]], top: int = 25) -> pd.DataFrame:
    """Hashtags used by at least two of the profiles: reels using each tag per profile (from core.analytics.aggregates)."""
    columns = {}
    for profile, reels in profiles:
        stats = hashtag_stats(reels, min_support=1)
        columns[f"@{profile['username']}"] = stats.set_index("tag")["reels"]
    table = pd.DataFrame(columns)
    if table.empty:
        return table
    used_by = table.notna().sum(axis=1)
    table = table[used_by >= 2].astype("Int64")
    table.insert(0, "profiles using it", used_by[used_by >= 2].astype(int))
    table = table.sort_values("profiles using it", ascending=False, kind="stable").head(top)
    return table.rename_axis("hashtag").reset_index().assign(hashtag=lambda t: "#" + t["hashtag"])


def shared_hashtags_table(table: pd.DataFrame) -> None:
    """The shared-hashtags table: a blank cell means the profile never used the tag."""
    profiles = [c for c in table.columns if c.startswith("@")]
    show_table(table, key="compare-shared", column_config={
        "hashtag": st.column_config.TextColumn("hashtag", width="medium", pinned=True),
        "profiles using it": count_column("profiles using it"),
        **{p: count_column(p, "Reels of this profile using the hashtag (each reel counted once). Blank: not used.")
           for p in profiles},
    })


def kpi_table(frame: pd.DataFrame) -> None:
    show_table(frame, key="compare-kpis", column_config={
        "username": st.column_config.TextColumn("profile"),
        "followers": st.column_config.NumberColumn("followers", format="compact"),
        "account_size": st.column_config.TextColumn("account size"),
        "reels": count_column("reels analysed"),
        "median_plays": st.column_config.NumberColumn("median plays", format="compact"),
        "median_engagement_rate": st.column_config.NumberColumn("median eng. rate", format="%.2f%%"),
        "median_engagement_per_play": st.column_config.NumberColumn("median eng. per play", format="%.2f%%"),
        "median_plays_per_day": count_column("median plays/day", withheld="derived"),
        "median_plays_per_follower": st.column_config.NumberColumn("median plays/follower", format="%.2f"),
        "reels_per_week": st.column_config.NumberColumn("reels/week", format="%.1f"),
        "hidden_likes_share": st.column_config.NumberColumn("likes hidden", format="%.0f%%"),
        "viral_share": st.column_config.NumberColumn("viral reels", format="%.0f%%"),
        "benchmark_tier": st.column_config.TextColumn("eng. vs size benchmark"),
    })
