"""ReelScope dashboard: submit Instagram usernames, watch their analyses progress, open recent results."""

from __future__ import annotations

import streamlit as st

from core import store
from core.demo import DEMO_PROFILES, demo_enabled
from core.jobs import InvalidSubmission, create_analyses
from ui import state
from ui.layout import setup_page
from ui.progress import show_progress
from ui.text import escape_markdown
from ui.widgets import analyses_table

db = setup_page("New analysis")

st.title("ReelScope")
st.markdown("Analyse any public creator's Instagram reels: plays, engagement, hashtags, top performers and the best "
            "times to post.  \nType one or more usernames; each becomes an analysis you can watch and open below.")

with st.form("submit", clear_on_submit=False, border=True):
    placeholder = "\n".join(DEMO_PROFILES[:2]) if demo_enabled() else "@creator_one\ncreator_two, creator_three"
    usernames = st.text_area("Instagram usernames", placeholder=placeholder, height=110,
                             help="One or more usernames separated by new lines, commas or spaces; '@' is optional.")
    limit_col, button_col = st.columns([2, 3], vertical_alignment="bottom")
    max_reels = limit_col.number_input("Most recent N reels (0 = all)", min_value=0, max_value=10_000, value=0,
                                       step=12, help="Analyse only the newest N reels of each profile; faster.")
    submitted = button_col.form_submit_button("Analyse reels", type="primary")

if submitted:
    try:
        ids = create_analyses(usernames, max_reels=int(max_reels) or None, db=db)
    except InvalidSubmission as exc:
        if exc.rejected and any(r.raw for r in exc.rejected):
            lines = "\n".join(f"- {escape_markdown(str(r))}" for r in exc.rejected)
            st.error(f"Nothing was submitted. Fix these usernames:\n{lines}", icon=":material/block:")
        else:
            st.error(str(exc), icon=":material/block:")
    else:
        state.remember_submitted(ids)
        st.toast(f"Started {len(ids)} {'analyses' if len(ids) > 1 else 'analysis'}", icon=":material/rocket_launch:")

if state.submitted_ids():
    st.subheader("Your analyses")
    show_progress(db, state.submitted_ids())

st.subheader("Recent analyses")
recent = store.list_states(db, limit=25)
if recent:
    analyses_table(recent, key="recent")
    st.page_link("pages/3_History.py", label="Full history: re-run, cancel or delete analyses", icon=":material/history:")
else:
    st.info("No analyses yet: type a username above and press **Analyse reels**."
            + (" In demo mode, try `demo_creator`." if demo_enabled() else ""), icon=":material/waving_hand:")
