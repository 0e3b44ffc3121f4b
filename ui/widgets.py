"""Widgets shared by several pages: analysis pickers, the recent-analyses table, profile header."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.storage.analyses import AnalysisState
from ui.text import escape_markdown, fmt_count, fmt_time, image_url, link_url, status_label

RESULTS_URL = "./Results?analysis={}"


def analysis_label(analysis: AnalysisState) -> str:
    demo = " · demo data" if analysis.is_demo else ""
    return f"@{analysis.username} · {fmt_time(analysis.created_at)} · {analysis.reels_stored} reels{demo}"


def analyses_table(states: list[AnalysisState], *, key: str) -> None:
    """A sortable table of analyses with a link that opens each completed one on the Results page."""
    frame = pd.DataFrame([{
        "username": f"@{s.username}",
        "status": status_label(s.status),
        "progress": s.progress,
        "reels": s.reels_stored,
        "message": s.error if s.status == "failed" else (s.message or ""),
        "data": "demo data" if s.is_demo else "Instagram",
        "created": s.created_at,
        "open": RESULTS_URL.format(s.analysis_id) if s.status == "completed" else None,
    } for s in states])
    st.dataframe(frame, hide_index=True, key=key, column_config={
        "progress": st.column_config.ProgressColumn("progress", min_value=0, max_value=100, format="%d%%"),
        "reels": st.column_config.NumberColumn("reels", format="%d"),
        "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
        "open": st.column_config.LinkColumn("open", display_text="Open results"),
        "message": st.column_config.TextColumn("message", width="large"),
    })


def profile_header(profile: dict | None, analysis: AnalysisState) -> None:
    """Picture, names and counts. Scraped names and biography are escaped, never rendered as HTML."""
    picture, about = st.columns([1, 8], vertical_alignment="center")
    url = image_url(profile.get("profile_pic_url")) if profile else None
    if url:
        picture.image(url, width=96)
    full_name = (profile or {}).get("full_name") or ""
    verified = " :blue[:material/verified:]" if (profile or {}).get("is_verified") else ""
    about.markdown(f"## @{escape_markdown(analysis.username)}{verified}")
    if full_name:
        about.markdown(f"**{escape_markdown(full_name)}**")
    if profile and profile.get("biography"):
        about.text(profile["biography"])
    if profile:
        about.caption(f"{fmt_count(profile.get('followers'))} followers · {fmt_count(profile.get('following'))} "
                      f"following · {fmt_count(profile.get('media_count'))} posts · snapshot "
                      f"{fmt_time(profile.get('fetched_at'))}" + (" · demo data" if analysis.is_demo else ""))


def follower_growth(db, snapshots: list[AnalysisState]) -> None:
    """Followers, following and posts of each completed snapshot of one creator, oldest first."""
    from ui import cache  # local: widgets stays importable without a database

    rows = []
    for snap in sorted(snapshots, key=lambda s: s.created_at):
        profile = cache.profile(db, snap) or {}
        rows.append({"snapshot": snap.finished_at or snap.created_at, "followers": profile.get("followers"),
                     "following": profile.get("following"), "posts": profile.get("media_count"),
                     "reels analysed": snap.reels_stored})
    frame = pd.DataFrame(rows)
    first, last = frame.iloc[0], frame.iloc[-1]
    cols = st.columns(3)
    for col, name in zip(cols, ("followers", "following", "posts"), strict=True):
        change = None if pd.isna(first[name]) or pd.isna(last[name]) else int(last[name]) - int(first[name])
        col.metric(f"{name.capitalize()} (latest)", fmt_count(last[name]),
                   delta=None if change is None else f"{change:+,} since {fmt_time(first['snapshot'])}", border=True)
    st.dataframe(frame, hide_index=True, key="growth", column_config={
        "snapshot": st.column_config.DatetimeColumn("snapshot (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
    })


def reel_growth_table(db, snapshots: list[AnalysisState]) -> None:
    """Per-reel plays growth between the two most recent completed snapshots of one creator."""
    from core.analytics.aggregates import reel_growth
    from ui import cache

    earlier, later = sorted(snapshots, key=lambda s: s.created_at)[-2:]
    growth = reel_growth(cache.reels_frame(db, earlier), cache.reels_frame(db, later),
                         earlier.finished_at or earlier.created_at, later.finished_at or later.created_at)
    st.caption(f"Plays growth per reel between {fmt_time(earlier.finished_at)} and {fmt_time(later.finished_at)} "
               f"({len(growth)} reels in both snapshots).")
    if growth.empty:
        st.info("No reel appears in both snapshots.")
        return
    growth = growth.assign(url=growth["url"].map(link_url))
    st.dataframe(growth.drop(columns=["media_id"]), hide_index=True, key="reel-growth", column_config={
        "url": st.column_config.LinkColumn("reel", display_text="Open ↗"),
        "caption": st.column_config.TextColumn("caption", max_chars=80),
        "plays_growth_per_day": st.column_config.NumberColumn("growth per day", format="%.0f"),
    })
