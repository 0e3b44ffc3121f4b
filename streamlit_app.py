"""ReelScope dashboard: submit Instagram usernames, watch their analyses progress, open recent results."""

from __future__ import annotations

import time
from datetime import timedelta

import streamlit as st

from core.instagram.demo import DEMO_PROFILES, demo_enabled
from core.jobs.submission import InvalidSubmission, submit_analyses
from core.jobs.submission_limits import submission_wait_seconds
from core.settings import load_settings
from core.storage import analyses as store
from ui import state
from ui.layout import setup_page
from ui.progress import show_progress
from ui.signin import current_person
from ui.store_errors import store_write
from ui.text import escape_markdown
from ui.widgets import analyses_table

MAX_INPUT_CHARS = 4000  # request size limit: ample for the per-submission cap of usernames

db = setup_page("New analysis")
settings = load_settings()

st.title("ReelScope")
st.markdown("Analyse any public creator's Instagram reels: plays, engagement, hashtags, top performers and the best "
            "times to post.  \nType one or more usernames; each becomes an analysis you can watch and open below.")

with st.form("submit", clear_on_submit=False, border=True):
    placeholder = "\n".join(DEMO_PROFILES[:2]) if demo_enabled() else "@creator_one\ncreator_two, creator_three"
    usernames = st.text_area("Instagram usernames", placeholder=placeholder, height=110, max_chars=MAX_INPUT_CHARS,
                             help="One or more usernames separated by new lines, commas or spaces; '@' is optional.")
    limit_col, refresh_col, button_col = st.columns([2, 2, 2], vertical_alignment="bottom")
    max_reels = limit_col.number_input("Most recent N reels (0 = all)", min_value=0, max_value=10_000, value=0,
                                       step=12, help="Analyse only the newest N reels of each profile; faster.")
    refresh = refresh_col.checkbox("Scrape again even if analysed recently", value=False,
                                   help=f"Otherwise a profile analysed in the last {settings.reuse_minutes} minutes "
                                        "is answered from the store.")
    submitted = button_col.form_submit_button("Analyse reels", type="primary")

wait = submission_wait_seconds(state.submission_times(), time.monotonic(), settings.submissions_per_minute, 60.0)
if submitted and wait > 0:
    st.warning(f"Too many submissions from this browser: please wait {wait:.0f} s before submitting again.",
               icon=":material/hourglass_top:")
elif submitted:
    state.record_submission(time.monotonic())
    reuse = None if refresh or settings.reuse_minutes <= 0 else timedelta(minutes=settings.reuse_minutes)
    try:
        with store_write("Submitting"):
            submissions = submit_analyses(usernames, max_reels=int(max_reels) or None, db=db, reuse_within=reuse,
                                          requested_by=current_person().name,
                                          requested_access=state.requested_access())
    except InvalidSubmission as exc:
        if exc.rejected and any(r.raw for r in exc.rejected):
            lines = "\n".join(f"- {escape_markdown(str(r))}" for r in exc.rejected)
            st.error(f"Nothing was submitted. Fix these usernames:\n{lines}", icon=":material/block:")
        else:
            st.error(str(exc), icon=":material/block:")
    else:
        for submission in submissions:
            if submission.reused:
                state.remember_reused(submission.analysis_id, submission.reused_from)
        state.remember_submitted([s.analysis_id for s in submissions])
        started = sum(1 for s in submissions if not s.reused)
        if started:
            st.toast(f"Started {started} {'analyses' if started > 1 else 'analysis'}", icon=":material/rocket_launch:")

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
