"""Live progress of submitted analyses: a fragment polls the store while any is active, then stops."""

from __future__ import annotations

import streamlit as st

from core.domain.errors import is_retryable
from core.jobs.submission import cancel_analysis, retry_analysis, submit_analyses
from core.storage import analyses as store
from core.storage.analyses import AnalysisState
from core.storage.engine import Database
from ui import state
from ui.store_errors import store_write
from ui.text import data_source_badge, escape_markdown, fmt_duration, status_badge

POLL_SECONDS = 1.0
RESULTS_PAGE = "pages/1_Results.py"


def show_progress(db: Database, analysis_ids: list[str]) -> None:
    """Progress cards for the given analyses; polls the store only while one of them is active."""
    states = _states(db, analysis_ids)
    if any(s.is_active for s in states):
        _polling_cards(db, analysis_ids)
    else:
        _cards(db, states)


def _states(db: Database, analysis_ids: list[str]) -> list[AnalysisState]:
    by_id = {s.analysis_id: s for s in store.list_states(db, ids=analysis_ids, limit=len(analysis_ids) or 1)}
    return [by_id[i] for i in reversed(analysis_ids) if i in by_id]


@st.fragment(run_every=POLL_SECONDS)
def _polling_cards(db: Database, analysis_ids: list[str]) -> None:
    states = _states(db, analysis_ids)
    _cards(db, states)
    if not any(s.is_active for s in states):
        st.rerun()  # the whole page re-renders without the timer: polling stops


def _cards(db: Database, states: list[AnalysisState]) -> None:
    for analysis in states:
        progress_card(db, analysis)


def progress_card(db: Database, analysis: AnalysisState) -> None:
    with st.container(border=True):
        head, side = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"**@{escape_markdown(analysis.username)}** · {status_badge(analysis.status)} "
                      f"{data_source_badge(analysis.data_source)}")
        message = analysis.message or analysis.status
        if analysis.status == "failed":
            st.error(analysis.error or message, icon=":material/error:")
            if is_retryable(analysis.error_kind) and side.button("Retry", key=f"retry-{analysis.analysis_id}",
                                                                 type="primary"):
                with store_write("Retrying"):
                    retry_analysis(analysis.analysis_id, db=db)
                st.rerun(scope="app")
            return
        st.progress(analysis.progress / 100, text=f"{analysis.progress}% · {message}")
        if analysis.is_active:
            st.caption(f"Time left: {fmt_duration(analysis.eta_seconds)}")
            if side.button("Cancel", key=f"cancel-{analysis.analysis_id}"):
                with store_write("Cancelling"):
                    cancel_analysis(analysis.analysis_id, db=db)
                st.rerun(scope="app")
            if analysis.reels_stored:
                side.page_link(RESULTS_PAGE, label="Results so far", icon=":material/analytics:",
                               query_params={"analysis": analysis.analysis_id})
        reused_from = state.reused_at(analysis.analysis_id)
        if analysis.status == "completed" and reused_from is not None:
            note, again = st.columns([3, 1], vertical_alignment="center")
            note.info(f"Cached from {reused_from.astimezone():%H:%M} (analysed recently with the same access, "
                      f"{analysis.access or 'unknown'}; nothing scraped).",
                      icon=":material/history:")
            if again.button("Refresh", key=f"refresh-{analysis.analysis_id}",
                            help="Scrape this profile again now"):
                with store_write("Refreshing"):
                    [fresh] = submit_analyses([analysis.username], max_reels=analysis.max_reels, db=db)
                state.forget_reused(analysis.analysis_id)
                state.forget_submitted(analysis.analysis_id)
                state.remember_submitted([fresh.analysis_id])
                st.rerun(scope="app")
        if analysis.status == "completed":
            st.caption(f"{analysis.reels_stored} reels stored")
            with side:
                st.page_link(RESULTS_PAGE, label="Open results", icon=":material/analytics:",
                             query_params={"analysis": analysis.analysis_id})

