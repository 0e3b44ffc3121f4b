"""Results of one analysis: profile header, KPIs, filters, charts, the reels table and the methodology."""

from __future__ import annotations

import streamlit as st

from core.analytics.aggregates import profile_summary
from core.analytics.context import METHODOLOGY as CONTEXT_METHODOLOGY
from core.analytics.metrics import methodology_markdown
from core.storage import analyses as store
from ui import cache, sections, state
from ui.access_notice import show_access_notice
from ui.export_panel import render_export_history, render_export_panel
from ui.kpis import kpi_cards
from ui.layout import draw_sidebar, setup_page
from ui.progress import show_progress
from ui.running_results import show_running_results
from ui.widgets import analysis_label, profile_header

# The sidebar is drawn after the first chart (or before stopping): the browser then loads Plotly first.
db = setup_page("Results", icon=":material/analytics:", sidebar=False)

completed = cache.completed_states(db)
requested = st.query_params.get("analysis")
requested_state = store.get_state(db, requested) if requested else None
if requested and requested_state is None:
    st.warning("That analysis no longer exists (it may have been deleted). Pick another one below.", icon=":material/search_off:")
elif requested_state is not None and requested_state.is_active:
    show_running_results(db, requested_state)  # the reels so far, until it completes and the page redraws
    draw_sidebar()
    st.stop()
elif requested_state is not None and requested_state.status != "completed":
    st.title(f"@{requested_state.username}")
    show_progress(db, [requested_state.analysis_id])
    draw_sidebar()
    st.stop()
if not completed:
    st.title("Results")
    st.info("No completed analyses yet: submit a username on the **New analysis** page and come back when it has "
            "finished.", icon=":material/waving_hand:")
    st.page_link("streamlit_app.py", label="New analysis", icon=":material/add_circle:")
    draw_sidebar()
    st.stop()

by_id = {s.analysis_id: s for s in completed}
chosen = requested if requested in by_id else next(iter(by_id))
st.query_params["analysis"] = chosen
analysis = by_id[chosen]
# The Overview frame (prepared when the analysis completed) is all the first view reads; every column of every reel
# is loaded only for what needs it: filters, the other tabs.
reels, profile = cache.overview(db, analysis)


def whole_analysis():
    return cache.enriched(db, analysis)[0]


# The page is laid out in reading order but filled chart first: the picker, profile header and KPI cards go in this
# container after the first chart has been sent, so the browser starts drawing it before loading their widgets.
above_the_charts = st.container()


def draw_above_the_charts(shown=None) -> None:
    """``shown``: the reels matching the filters, when some are set (the KPI cards then describe those)."""
    with above_the_charts:
        st.session_state[state.RESULTS_PICKER] = chosen
        # A popover: its picker's code loads when it opens, not before the first chart.
        with st.popover(analysis_label(analysis), icon=":material/swap_horiz:", help="Switch to another analysis"):
            st.selectbox("Analysis", list(by_id), key=state.RESULTS_PICKER, width=560,
                         format_func=lambda i: analysis_label(by_id[i]),
                         on_change=lambda: st.query_params.update(analysis=st.session_state[state.RESULTS_PICKER]))
        profile_header(profile, analysis)
        show_access_notice(analysis)
        if shown is not None:
            kpi_cards(profile_summary(shown, profile), of_total=len(reels))
            return
        previous = cache.previous_completed(db, analysis)
        kpi_cards(cache.summary(db, analysis), cache.summary(db, previous) if previous else None,
                  previous.created_at if previous else None)


if reels.empty:
    draw_above_the_charts()
    st.info("No reels yet: this profile has no videos (or none were stored). Try another profile, or re-run it "
            "later from History.", icon=":material/movie:")
    draw_sidebar()
    st.stop()

# The Filters expander and the log-scale switch sit above the tabs but are sent after the first chart (unless the
# expander is open: its widgets set the filters), so the browser starts drawing the chart before loading them.
filter_slot = st.container()
if sections.filter_panel_open(chosen):
    with filter_slot:
        sections.filter_panel(reels, key=chosen, whole=whole_analysis)
shown, chosen_filters = sections.applied_filters(reels, key=chosen, whole=whole_analysis)
narrowed = not chosen_filters.is_empty
toggle_slot = st.container()
log_plays = sections.log_plays(key=chosen)
# The reels shown are named by the analysis, its last update and the filters set: the Overview figures are cached.
version = f"{chosen}|{analysis.updated_at.isoformat()}|{chosen_filters!r}"
sections.result_tabs(shown, narrowed, key=chosen, log_plays=log_plays, version=version, whole=whole_analysis)
if not sections.filter_panel_open(chosen):
    with filter_slot:
        sections.filter_panel(reels, key=chosen, whole=whole_analysis)
with toggle_slot:
    sections.log_plays_toggle(key=chosen)
draw_above_the_charts(shown if narrowed else None)
draw_sidebar()

# Expanders load on demand (opening one reruns the page): closed, they cost the first chart nothing.
download = st.expander("Download: CSV, JSON or Excel of these reels, with a data dictionary", icon=":material/download:",
                       key=f"download-{chosen}", on_change="rerun")
if download.open:
    with download:
        render_export_panel(chosen, chosen_filters if narrowed else None)
        st.caption("Earlier exports of this analysis (re-download regenerates the identical file):")
        render_export_history(chosen)
methodology = st.expander("Methodology: how every number on this page is computed", key=f"methodology-{chosen}",
                          on_change="rerun")
if methodology.open:
    with methodology:
        st.markdown(methodology_markdown())
        st.markdown(CONTEXT_METHODOLOGY)
