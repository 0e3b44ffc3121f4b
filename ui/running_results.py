"""Results of a running analysis: the reels stored so far, refreshed by a fragment until the analysis ends.

The pipeline stores each listing page as it is read (core.jobs.reel_pages), so the KPI cards, the Overview charts
and the table can show what is there while the rest is fetched. When the analysis completes (or fails) the
fragment reruns the whole page, which then shows the final figures (or the failure) and stops polling.
"""

from __future__ import annotations

import streamlit as st

from core.analytics.aggregates import profile_summary
from core.analytics.metrics import enrich_analysis
from core.jobs.reel_pages import expected_reels
from core.storage import analyses as store
from core.storage import queries
from core.storage.analyses import AnalysisState
from core.storage.engine import Database
from ui.access_notice import show_access_notice
from ui.kpis import kpi_cards
from ui.reels_table import reels_table
from ui.sections import overview_charts
from ui.text import fmt_count
from ui.widgets import profile_header

POLL_SECONDS = 2.0


def so_far_banner(state: AnalysisState, profile: dict | None) -> str:
    """The banner over a running analysis's reels, e.g. "Fetching: 36 of up to 131 reels so far; figures will
    change as more arrive"."""
    if state.status == "pending":
        return f"Waiting to start: {fmt_count(state.reels_stored)} reels so far; figures appear as reels arrive."
    expected = expected_reels((profile or {}).get("media_count"), state.max_reels, state.reels_stored)
    return (f"Fetching: {fmt_count(state.reels_stored)} of up to {fmt_count(expected)} reels so far; "
            "figures will change as more arrive.")


def show_running_results(db: Database, state: AnalysisState) -> None:
    """The reels a pending or processing analysis has stored so far, refreshed every POLL_SECONDS."""
    _running(db, state.analysis_id)


@st.fragment(run_every=POLL_SECONDS)
def _running(db: Database, analysis_id: str) -> None:
    state = store.get_state(db, analysis_id)
    if state is None or not state.is_active:
        st.rerun()  # completed, failed or deleted: the whole page redraws with the final figures, and stops polling
        return
    profile = queries.load_profile(db, analysis_id)
    st.info(so_far_banner(state, profile), icon=":material/hourglass_top:")
    st.progress(state.progress / 100, text=f"{state.progress}% · {state.message or state.status}")
    if profile is not None:
        profile_header(profile, state)
    else:
        st.title(f"@{state.username}")
    show_access_notice(state)
    if state.reels_stored == 0:
        st.caption("The first reels appear here as soon as their listing page has been read.")
        return
    reels = enrich_analysis(queries.load_reels_frame(db, analysis_id), profile, state.finished_at, state.updated_at)
    kpi_cards(profile_summary(reels, profile))
    st.caption(f"Medians, tiers and benchmarks are computed over the {fmt_count(len(reels))} reels stored so far, "
               "not the whole profile; exports open once the analysis has completed.")
    overview_charts(reels, False, key=f"running-{analysis_id}")
    reels_table(reels, key=f"running-reels-{analysis_id}")
