"""Widgets shared by several pages: analysis pickers, the recent-analyses table, profile header."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.instagram.data_source import INSTAGRAM
from core.instagram.data_source import label as data_source_label
from core.storage.analyses import AnalysisState
from core.storage.models import ANONYMOUS
from ui.column_help import SOURCE_HELP
from ui.tables import count_column, rate_column, rates, show_table
from ui.text import data_source_badge, escape_markdown, fmt_count, fmt_time, image_url, link_url, status_label

RESULTS_URL = "./Results?analysis={}"


def access_label(analysis: AnalysisState) -> str:
    """How it reached Instagram ("anonymous", "logged in as @name"), or what it asked for before it got there."""
    if analysis.access:
        return analysis.access
    return "anonymous (asked)" if analysis.requested_access == ANONYMOUS else "access not yet known"


def analysis_label(analysis: AnalysisState) -> str:
    source = "" if analysis.data_source == INSTAGRAM else f" · {data_source_label(analysis.data_source)}"
    return (f"@{analysis.username} · {fmt_time(analysis.created_at)} · {analysis.reels_stored:,} reels{source} · "
            f"{access_label(analysis)}")


def _several_requesters(states: list[AnalysisState]) -> bool:
    """Whether the analyses were asked for by more than one person, token or command (a team's dashboard)."""
    return len({s.requested_by for s in states if s.requested_by}) > 1


def access_kind_label(analysis: AnalysisState) -> str:
    """The access in a word or two, for tables (the details name the account): "logged in", "anonymous"…"""
    label = access_label(analysis)
    return "logged in" if label.startswith("logged in") else label


def analyses_table(states: list[AnalysisState], *, key: str) -> None:
    """A sortable table of analyses with a link that opens each completed one on the Results page."""
    frame = pd.DataFrame([{
        "username": f"@{s.username}",
        "status": status_label(s.status),
        "progress": None if s.status == "failed" else s.progress,  # a failed job has no progress to show
        "reels": s.reels_stored,
        "message": s.error if s.status == "failed" else (s.message or ""),
        "data": s.data_source,
        "access": access_kind_label(s),
        "requested by": s.requested_by or "",
        "created": s.created_at,
        "open": RESULTS_URL.format(s.analysis_id) if s.status == "completed" else None,
    } for s in states])
    if not _several_requesters(states):  # one person's dashboard: the column would repeat one name
        frame = frame.drop(columns="requested by")
    if not any(s.is_active for s in states):  # every analysis finished: the status says all the progress would
        frame = frame.drop(columns="progress")
    show_table(frame, key=key, column_config={
        "username": st.column_config.TextColumn("username", width=170),  # 30-character names fit, not cut
        "status": st.column_config.TextColumn("status", width="small"),
        "progress": st.column_config.ProgressColumn("progress", min_value=0, max_value=100, format="%d%%",
                                                    width="small"),
        "reels": count_column("reels"),
        "message": st.column_config.TextColumn("message", width="medium"),
        "data": st.column_config.TextColumn("source", width=80, help=SOURCE_HELP),
        "access": st.column_config.TextColumn("access", width=100, help="Anonymous visitors get no plays "
                                              "from Instagram; logged in, they are included (History names the "
                                              "account)"),
        "requested by": st.column_config.TextColumn("requested by", width="small", help="A signed-in email, an "
                                                    "API token's name, cli or dashboard (blank: not recorded)"),
        "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC",
                                                   width=130),
        "open": st.column_config.LinkColumn("open", display_text="Open results", width="small"),
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
    about.markdown(data_source_badge(analysis.data_source))
    if full_name:
        about.markdown(f"**{escape_markdown(full_name)}**")
    if profile and profile.get("biography"):
        about.text(profile["biography"])
    if profile:
        about.caption(f"{fmt_count(profile.get('followers'))} followers · {fmt_count(profile.get('following'))} "
                      f"following · {fmt_count(profile.get('media_count'))} posts · snapshot "
                      f"{fmt_time(profile.get('fetched_at'))}")


def follower_growth(db, snapshots: list[AnalysisState]) -> None:
    """Followers, following and posts of each completed snapshot of one creator, oldest first; the cards show the
    change between the two most recent snapshots, the same two the plays growth below compares."""
    from ui import cache  # local: widgets stays importable without a database
    from ui.kpis import NO_CHANGE

    rows = []
    for snap in sorted(snapshots, key=lambda s: s.created_at):
        profile = cache.profile(db, snap) or {}
        rows.append({"snapshot": snap.finished_at or snap.created_at, "followers": profile.get("followers"),
                     "following": profile.get("following"), "posts": profile.get("media_count"),
                     "reels analysed": snap.reels_stored, "access": snap.access or "unknown"})
    frame = pd.DataFrame(rows)
    before, last = frame.iloc[-2], frame.iloc[-1]
    st.caption(f"Changes are between the two most recent snapshots, {fmt_time(before['snapshot'])} and "
               f"{fmt_time(last['snapshot'])}, as in the plays growth below.")
    cols = st.columns(3)
    for col, name in zip(cols, ("followers", "following", "posts"), strict=True):
        change = None if pd.isna(before[name]) or pd.isna(last[name]) else int(last[name]) - int(before[name])
        delta = None if change is None else NO_CHANGE if change == 0 else f"{change:+,}"
        col.metric(f"{name.capitalize()} (latest)", fmt_count(last[name]), delta=delta, border=True,
                   delta_color="off" if change == 0 else "normal", delta_arrow="off" if change == 0 else "auto")
    show_table(frame, key="growth", column_config={
        "snapshot": st.column_config.DatetimeColumn("Snapshot (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
        "followers": count_column("Followers", withheld="followers"), "following": count_column("Following"),
        "posts": count_column("Posts"), "reels analysed": count_column("Reels analysed"),
        "access": st.column_config.TextColumn("Access"),
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
    why = blank_growth_reason(growth, earlier.access, later.access)
    if why:
        st.info(why, icon=":material/visibility_off:")
        return
    growth = growth.assign(url=growth["url"].map(link_url), plays_growth_per_day=rates(growth["plays_growth_per_day"]))
    show_table(growth.drop(columns=["media_id"]), key="reel-growth", column_config={
        "shortcode": st.column_config.TextColumn("Shortcode"),
        "url": st.column_config.LinkColumn("Reel", display_text="Open ↗"),
        "caption": st.column_config.TextColumn("Caption", max_chars=80),
        "plays_before": count_column("Plays before", withheld="plays"),
        "plays_after": count_column("Plays after", withheld="plays"),
        "plays_growth": count_column("Plays gained", withheld="plays"),
        "plays_growth_per_day": rate_column("Gained per day", withheld="plays"),
    })


def blank_growth_reason(growth: pd.DataFrame, earlier_access: str | None, later_access: str | None) -> str | None:
    """Why every reel's plays growth is blank (None when some is known): which snapshot lacked plays, and why."""
    if growth["plays_growth"].notna().any():
        return None
    anonymous = [when for when, access in (("earlier", earlier_access), ("later", later_access))
                 if access == "anonymous"]
    if len(anonymous) == 2:
        cause = "both snapshots ran anonymously, and Instagram withholds plays and views from anonymous visitors"
    elif anonymous:
        cause = (f"the {anonymous[0]} snapshot ran anonymously, and Instagram withholds plays and views from "
                 "anonymous visitors")
    else:
        cause = "Instagram sent no plays or views for these reels in one of the snapshots"
    return f"Plays growth per reel is blank: {cause}. Two logged-in snapshots are needed to measure it."
