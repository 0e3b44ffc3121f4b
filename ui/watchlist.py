"""Watchlist widgets: the add form, the watches table, alerts, and a profile's growth charts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics import growth
from core.instagram.demo import demo_enabled
from core.jobs.submission import InvalidSubmission
from core.storage.engine import Database, get_database
from core.storage.snapshots import completed_snapshots
from core.watchlists.alerts import alert_record, list_alerts
from core.watchlists.watches import (
    InvalidDuration,
    WatchState,
    add_watches,
    format_duration,
    parse_duration,
    remove_watches,
    start_due_watches,
)
from ui import growth_charts
from ui.signin import current_person, is_admin
from ui.store_errors import store_write
from ui.text import escape_markdown, fmt_time

DELIVERY_LABELS = {"delivered": "delivered", "pending": "not yet: retried later", "failed": "failed: gave up",
                   "no_webhook": "no webhook set"}
INTERVALS = {"every 12 hours": "12h", "daily": "1d", "weekly": "7d", "every hour": "1h"}
# demo profiles post a reel every few minutes (emulator.timeline), so a demo watch can show growth at once
DEMO_INTERVALS = {"every 5 minutes (demo data grows by the minute)": "5m", **INTERVALS}


def add_watch_form(db: Database) -> None:
    """Usernames, an interval (a preset or any duration such as 90m) and an optional reel cap (admins only)."""
    if not is_admin():
        st.caption(":material/admin_panel_settings: Only an admin may add, run or stop watches.")
        return
    with st.form("add-watch", border=True):
        names = st.text_input("Usernames to watch", placeholder="@creator_one, creator_two", max_chars=2000,
                              help="Separated by commas or spaces; '@' is optional.")
        interval_col, custom_col, reels_col = st.columns(3)
        intervals = DEMO_INTERVALS if demo_enabled() else INTERVALS
        preset = interval_col.selectbox("Interval", list(intervals), index=0 if demo_enabled() else 1)
        custom = custom_col.text_input("…or any interval", placeholder="e.g. 90m, 2d", max_chars=16)
        max_reels = reels_col.number_input("Most recent N reels (0 = all)", min_value=0, max_value=10_000, value=0,
                                           step=12)
        submitted = st.form_submit_button("Watch", type="primary")
    if not submitted:
        return
    try:
        every = parse_duration(custom.strip() or intervals[preset])
        with store_write("Adding the watch"):
            added = add_watches(db, names, every, int(max_reels) or None, requested_by=current_person().name)
    except (InvalidSubmission, InvalidDuration) as exc:
        st.error(f"Nothing was added. {escape_markdown(str(exc))}", icon=":material/block:")
        return
    st.toast(f"Watching {', '.join('@' + n for n in added)} every {format_duration(every)}",
             icon=":material/visibility:")


def watch_actions(db: Database, watches: list[WatchState]) -> None:
    """Run the due watches now, or stop watching one (admins only)."""
    if not is_admin():
        return
    run_col, remove_col = st.columns(2)
    if run_col.button("Run due watches now", disabled=not any(w.due for w in watches),
                      help="Start every watch that is due (the same step the scheduler runs)."):
        with store_write("Running the due watches"):
            started = start_due_watches(db)
        st.toast(f"Started {len(started)} analyses" if started else "Nothing was due", icon=":material/play_arrow:")
        st.rerun()
    to_remove = remove_col.selectbox("Stop watching", [None] + [w.username for w in watches],
                                     format_func=lambda n: "choose a profile…" if n is None else f"@{n}")
    if to_remove and remove_col.button(f"Stop watching @{to_remove}"):
        with store_write("Stopping the watch"):
            remove_watches(db, [to_remove])
        st.toast(f"Stopped watching @{to_remove}; its analyses and alerts are kept.")
        st.rerun()


def watches_table(states: list[WatchState]) -> None:
    frame = pd.DataFrame([{
        "username": f"@{w.username}", "every": format_duration(w.every_seconds),
        "reels": w.max_reels if w.max_reels else "all", "last run": w.last_run_at, "last status": w.last_status or "",
        "next due": w.next_due_at, "due now": w.due,
        "open": f"./Results?analysis={w.last_analysis_id}" if w.last_status == "completed" else None,
    } for w in states])
    st.dataframe(frame, hide_index=True, key="watches", column_config={
        "last run": st.column_config.DatetimeColumn("last run (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
        "next due": st.column_config.DatetimeColumn("next due (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
        "open": st.column_config.LinkColumn("latest", display_text="Open results"),
    })


def alerts_table(db: Database, username: str | None = None, limit: int = 50, key: str = "alerts") -> int:
    """The newest alerts (of one profile, or all); returns how many were shown."""
    rows = [alert_record(a) for a in list_alerts(db, username=username, limit=limit)]
    if not rows:
        st.caption("No alerts yet. They appear when a watch's new snapshot has a viral new reel or a follower "
                   "change beyond the threshold.")
        return 0
    frame = pd.DataFrame(rows)[["created_at", "username", "kind", "message", "value", "threshold", "metric", "url",
                                "delivery_state", "delivery_error"]]
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["delivery_state"] = frame["delivery_state"].map(DELIVERY_LABELS)
    st.dataframe(frame, hide_index=True, key=key, column_config={
        "created_at": st.column_config.DatetimeColumn("when (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC"),
        "message": st.column_config.TextColumn("alert", width="large"),
        "value": st.column_config.NumberColumn("value", format="localized"),
        "threshold": st.column_config.NumberColumn("threshold", format="localized"),
        "url": st.column_config.LinkColumn("reel", display_text="Open ↗"),
        "delivery_state": st.column_config.TextColumn("webhook", help="Whether the alert reached "
                                                      "REELSCOPE_ALERT_WEBHOOK_URL; pending ones are re-sent by "
                                                      "later runs."),
        "delivery_error": st.column_config.TextColumn("webhook error"),
    })
    return len(rows)


def snapshot_count_sentence(username: str, count: int, taken_at: pd.Series) -> str:
    """How many snapshots there are, and what that allows: one snapshot shows levels, growth needs a second."""
    name = f"@{escape_markdown(username)}"
    if count == 1:
        return f"1 completed snapshot of {name} so far: growth needs two, and the watch's next run adds the second."
    return (f"{count} completed snapshots of {name}, from {fmt_time(taken_at.min())} to {fmt_time(taken_at.max())}; "
            "changes are measured from each snapshot to the next.")


@st.cache_data(max_entries=16, show_spinner=False, ttl=30)
def _growth(database_url: str, username: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    snapshots = completed_snapshots(get_database(database_url), username)
    fresh = growth.new_reels(snapshots[-2].reels, snapshots[-1].reels) if len(snapshots) >= 2 else None
    return (growth.profile_growth(snapshots), growth.reel_plays_history(snapshots),
            fresh if fresh is not None else pd.DataFrame())


def growth_section(db: Database, username: str) -> None:
    """Followers, median plays and engagement over every snapshot; per-reel plays; new reels since the last one."""
    profile_growth, history, fresh = _growth(db.url, username)
    if profile_growth.empty:
        st.info(f"@{escape_markdown(username)} has no completed snapshot yet: it is analysed when due.")
        return
    count = len(profile_growth)
    st.caption(snapshot_count_sentence(username, count, profile_growth["snapshot_at"]))
    left, right = st.columns(2)
    left.plotly_chart(growth_charts.followers_over_time(profile_growth), key="growth-followers")
    right.plotly_chart(growth_charts.median_plays_and_engagement(profile_growth), key="growth-median")
    note = growth_charts.plays_gained_note(history, count)
    if note:
        st.info(f"{note}.", icon=":material/show_chart:")
    else:
        st.plotly_chart(growth_charts.reel_plays_gained(history), key="growth-reels")
    st.markdown("**New reels since the previous snapshot**")
    if fresh.empty:
        st.caption("None." if count >= 2 else "Appear from the second snapshot on.")
    else:
        st.dataframe(fresh[["shortcode", "url", "posted_at", "plays", "views", "likes", "comments", "caption"]],
                     hide_index=True, key="growth-new", column_config={
                         "url": st.column_config.LinkColumn("reel", display_text="Open ↗"),
                         "caption": st.column_config.TextColumn("caption", max_chars=80)})
