"""History: every analysis with its status and actions; follower growth for creators analysed several times."""

from __future__ import annotations

import streamlit as st

from core.domain.errors import is_retryable
from core.instagram.data_source import label as data_source_label
from core.instagram.demo import demo_enabled
from core.instagram.session import ANONYMOUS, next_access_kind
from core.jobs.submission import access_asked_for, cancel_analysis, create_analyses, retry_analysis
from core.storage import analyses as store
from ui import state
from ui.access_notice import rerun_access_note
from ui.export_panel import render_export_history
from ui.layout import setup_page
from ui.overview import all_profiles_table
from ui.signin import current_person, may_delete, requested_by_filter
from ui.store_errors import store_write
from ui.text import data_source_badge, escape_markdown, fmt_time, status_badge
from ui.watchlist import alerts_table
from ui.widgets import access_label, analyses_table, analysis_label, follower_growth, reel_growth_table

db = setup_page("History", icon=":material/history:")
st.title("History")

analyses = store.list_states(db, limit=1000)
if not analyses:
    st.info("No analyses yet. Start one on the **New analysis** page.", icon=":material/waving_hand:")
    st.page_link("streamlit_app.py", label="New analysis", icon=":material/add_circle:")
    st.stop()

names = sorted({a.username for a in analyses})
filter_col, status_col, by_col = st.columns(3)
chosen_names = filter_col.multiselect("Usernames", names, placeholder="All usernames")
chosen_status = status_col.multiselect("Status", ["pending", "processing", "completed", "failed"],
                                       placeholder="Any status")
chosen_by = requested_by_filter(by_col, analyses)
shown = [a for a in analyses if (not chosen_names or a.username in chosen_names)
         and (not chosen_status or a.status in chosen_status) and (not chosen_by or a.requested_by in chosen_by)]
st.caption(f"{len(shown)} of {len(analyses)} analyses · newest first")
analyses_table(shown, key="history")

st.subheader("Actions")
if not shown:
    st.info("No analysis matches these filters.")
    st.stop()
by_id = {a.analysis_id: a for a in shown}
selected = by_id[st.selectbox("Analysis", list(by_id), format_func=lambda i: f"{analysis_label(by_id[i])} · "
                              f"{by_id[i].status}")]
st.markdown(f"**@{escape_markdown(selected.username)}** · {status_badge(selected.status)} "
            f"{data_source_badge(selected.data_source)} · {selected.progress}% · "
            f"created {fmt_time(selected.created_at)} · started {fmt_time(selected.started_at)} · "
            f"finished {fmt_time(selected.finished_at)} · {escape_markdown(access_label(selected))} · "
            f"requested by {escape_markdown(selected.requested_by or 'unknown')}")
if selected.error:
    st.error(selected.error, icon=":material/error:")

open_col, rerun_col, cancel_col, delete_col = st.columns(4)
if selected.status == "completed":
    open_col.page_link("pages/1_Results.py", label="Open results", icon=":material/analytics:",
                       query_params={"analysis": selected.analysis_id})
can_rerun = not selected.is_active and (selected.status != "failed" or is_retryable(selected.error_kind))
rerun_access = ANONYMOUS if access_asked_for(selected) == ANONYMOUS else next_access_kind()  # as the re-run sets out
access_change = rerun_access_note(selected.access, rerun_access, demo_enabled())
if can_rerun and access_change:
    st.warning(access_change, icon=":material/swap_horiz:")
if rerun_col.button("Re-run", disabled=not can_rerun, help="Failed: retried in place (not offered when a retry "
                    "cannot help: a missing, private or invalid profile). Otherwise a new analysis of the same "
                    "username starts, so snapshots can be compared. An analysis asked to run anonymously stays anonymous."):
    with store_write("Re-running"):
        if selected.status == "failed":
            retry_analysis(selected.analysis_id, db=db)
            state.remember_submitted([selected.analysis_id])
        else:
            state.remember_submitted(create_analyses([selected.username], max_reels=selected.max_reels, db=db,
                                                     requested_by=current_person().name,
                                                     requested_access=access_asked_for(selected)))
    st.switch_page("streamlit_app.py")
if cancel_col.button("Cancel", disabled=not selected.is_active):
    with store_write("Cancelling"):
        cancel_analysis(selected.analysis_id, db=db)
    st.toast("Cancellation requested; the analysis stops at its next step.")
    st.rerun()
if may_delete(selected) and delete_col.button("Delete…", disabled=selected.is_active,
                                              help="Delete this analysis and its stored reels."):
    st.session_state[state.CONFIRM_DELETE] = selected.analysis_id
if st.session_state.get(state.CONFIRM_DELETE) == selected.analysis_id and may_delete(selected):
    st.warning(f"Delete the analysis of @{escape_markdown(selected.username)} from {fmt_time(selected.created_at)} "
               f"and its {selected.reels_stored} reels? This cannot be undone.")
    yes, no = st.columns(2)
    if yes.button("Yes, delete", type="primary"):
        st.session_state.pop(state.CONFIRM_DELETE, None)
        with store_write("Deleting"):
            store.delete_analysis(db, selected.analysis_id)
        st.toast("Analysis deleted.")
        st.rerun()
    if no.button("Keep it"):
        st.session_state.pop(state.CONFIRM_DELETE, None)
        st.rerun()

st.subheader("Follower growth between snapshots")
# one series per creator and data source: demo data is never compared with Instagram's
series: dict[tuple[str, str], list] = {}
for analysis in analyses:
    if analysis.status == "completed":
        series.setdefault((analysis.username, analysis.data_source), []).append(analysis)
repeated = [key for key, snapshots in series.items() if len(snapshots) >= 2]
if not repeated:
    st.info("Analyse the same username again (Re-run above) to see how its followers change between snapshots.")
else:
    username, source = st.selectbox("Creator", repeated,
                                    format_func=lambda key: f"@{key[0]} · {data_source_label(key[1])}")
    snapshots = series[(username, source)]
    follower_growth(db, snapshots)
    reel_growth_table(db, snapshots)

st.subheader("Alerts")
st.caption("Raised by watch analyses (see **Watchlist**): viral new reels and follower changes.")
alerts_table(db, username=chosen_names[0] if len(chosen_names) == 1 else None, limit=20, key="history-alerts")

st.subheader("All profiles")
st.caption("Every completed analysis with its key figures side by side, to compare creators at a glance.")
all_profiles_table(db, analyses)

st.subheader("Exports")
st.caption("Every export, newest first, with its format (plain CSV, CSV for Excel, JSON, Excel, Parquet); a "
           "re-download regenerates the identical file from stored data.")
render_export_history()
