"""Building blocks of the Compare page: the chosen analyses as (profile, enriched reels) pairs and shared tags."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.aggregates import hashtag_stats
from core.storage.analyses import AnalysisState
from core.storage.engine import Database
from ui import cache
from ui.tables import count_column, show_table
from ui.text import fmt_rate, fmt_time


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


def _count(value) -> str:
    return f"{round(value):,}"


def _percent(digits: int):
    return lambda value: f"{value:.{digits}f}%"


# The key figures, one row each (compare_profiles column, row label, format of a known value): a sheet with one
# column per profile shows every figure at any screen width, however many figures there are.
BENCHMARK_ROW = "Engagement vs size benchmark"
ROW_PIXELS = 35  # st.dataframe's row height: the sheet is drawn tall enough for every row, with no inner scrolling
KEY_FIGURES = (
    ("followers", "Followers", _count),
    ("account_size", "Account size", str),
    ("reels", "Reels analysed", _count),
    ("median_plays", "Median plays", _count),
    ("median_engagement_rate", "Median engagement rate", _percent(2)),
    ("benchmark_tier", BENCHMARK_ROW, str),
    ("median_engagement_per_play", "Median engagement per play", _percent(2)),
    ("median_plays_per_day", "Median plays per day", fmt_rate),
    ("median_plays_per_follower", "Median plays per follower", lambda v: f"{v:.2f}"),
    ("reels_per_week", "Reels per week", lambda v: f"{v:.1f}"),
    ("hidden_likes_share", "Reels with hidden likes", _percent(0)),
    ("viral_share", "Viral reels (of reels with plays)", _percent(0)),
)
KEY_FIGURES_CAPTION = (f"Medians skip hidden or missing counts; a blank cell is unknown. The **{BENCHMARK_ROW}** row "
                       "rates each profile's median engagement rate against the typical range for accounts of its "
                       "size (see Methodology on the Results page).")


def key_figures(table: pd.DataFrame) -> pd.DataFrame:
    """compare_profiles' table turned into a sheet: a "key figure" column, then one text column per profile."""
    sheet = {"key figure": [label for _, label, _ in KEY_FIGURES]}
    for _, row in table.iterrows():
        name = f"@{row['username']}"
        while name in sheet:  # the same snapshot picked twice still gets its own column
            name += " (again)"
        sheet[name] = [None if pd.isna(row[column]) else fmt(row[column]) for column, _, fmt in KEY_FIGURES]
    return pd.DataFrame(sheet)


def kpi_table(table: pd.DataFrame) -> None:
    """The key figures of the compared profiles side by side (blank = unknown), and what they mean."""
    sheet = key_figures(table)
    show_table(sheet, key="compare-kpis", height=ROW_PIXELS * (len(sheet) + 1) + 3, column_config={
        "key figure": st.column_config.TextColumn("key figure", pinned=True, width="medium"),
        **{name: st.column_config.TextColumn(name) for name in sheet.columns[1:]},
    })
    st.caption(KEY_FIGURES_CAPTION)
