"""The Health page's Instagram panel: routes refused as retired (from the store) and the doctor on request."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.instagram.doctor import MAX_REQUESTS, probe_profile, run_doctor
from core.instagram.routes import CAPABILITY_NAMES
from core.settings import load_settings
from core.storage.route_refusals import shared_route_memory
from ui.state import DOCTOR_REPORT


def show_instagram_routes() -> None:
    st.subheader("Instagram routes")
    memory = shared_route_memory()
    refusals = memory.all_refusals()
    skip_hours = load_settings().route_skip_hours
    if refusals:
        st.warning(f"Instagram refused {len(refusals)} route(s) as retired; every process skips them for "
                   f"{skip_hours:g} h after the refusal, then tries them again. Analyses use the next route.",
                   icon=":material/alt_route:")
        st.dataframe(pd.DataFrame([{"route": key, "refused since": since.isoformat(timespec="seconds"),
                                    "status": refusal.status, "Instagram said": refusal.message}
                                   for key, (since, refusal) in sorted(refusals.items())]),
                     hide_index=True, width="stretch")
    else:
        st.caption(f"No Instagram route was refused in the last {skip_hours:g} hours.")
    if st.button("Run the doctor", icon=":material/stethoscope:",
                 help=f"`python -m core doctor`: probes every capability over each route, at most {MAX_REQUESTS} "
                      "requests to Instagram"):
        with st.spinner("Asking Instagram…"):
            st.session_state[DOCTOR_REPORT] = run_doctor(memory, probe_profile())
    report = st.session_state.get(DOCTOR_REPORT)
    if report is None:
        return
    session = report.session_state + (f" as {report.session_username}" if report.session_username else "")
    (st.success if report.healthy else st.error)(
        ("Every capability has a working route." if report.healthy else
         "A capability has no working route: ReelScope needs an update (docs/instagram-access.md).")
        + f" Session: {session}. {report.requests} requests; instaloader {report.instaloader_version}.")
    st.dataframe(pd.DataFrame([{"capability": CAPABILITY_NAMES[p.capability], "route": p.route, "result": p.outcome,
                                "status": p.status, "message": p.message, "refused since": p.refused_since}
                               for p in report.probes]), hide_index=True, width="stretch")
