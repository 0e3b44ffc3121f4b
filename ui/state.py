"""The few session_state keys the dashboard uses, named in one place."""

from __future__ import annotations

import streamlit as st

from core.instagram.demo import demo_enabled
from core.storage.models import ANONYMOUS

SUBMITTED_IDS = "submitted_ids"  # analyses submitted from this browser session, newest last
CONFIRM_DELETE = "confirm_delete"  # the analysis id whose delete awaits confirmation on History
DEMO_TOGGLE = "demo_toggle"  # widget key of the sidebar demo switch
DEMO_ACCESS = "demo_access"  # widget key of the sidebar demo access choice (True: built-in demo session)
HISTORY_REQUESTED_BY = "history_requested_by"  # widget key of History's "Requested by" filter
SUBMISSION_TIMES = "submission_times"  # monotonic times of this session's submissions (rate limit)
REUSED = "reused"  # analysis id → when the reused (cached) analysis finished, for "cached from" notes
RESULTS_PICKER = "results_picker"  # widget key of the Results page's analysis picker (follows ?analysis=)
LOGIN_NOTICE = "login_notice"  # one-time message shown on the login page after a login or logout
DOCTOR_REPORT = "doctor_report"  # the Health page's last doctor run (core.instagram.doctor.DoctorReport)


def requested_access() -> str | None:
    """The Instagram access this browser session's new analyses ask for: "anonymous" when demo access is set to
    anonymous, else None (the stored session, when there is one)."""
    return ANONYMOUS if demo_enabled() and st.session_state.get(DEMO_ACCESS) is False else None


def submitted_ids() -> list[str]:
    return list(st.session_state.get(SUBMITTED_IDS, []))


def remember_submitted(ids: list[str]) -> None:
    known = [i for i in submitted_ids() if i not in ids]
    st.session_state[SUBMITTED_IDS] = known + list(ids)


def forget_submitted(analysis_id: str) -> None:
    st.session_state[SUBMITTED_IDS] = [i for i in submitted_ids() if i != analysis_id]


def submission_times() -> list[float]:
    return list(st.session_state.get(SUBMISSION_TIMES, []))


def record_submission(at: float) -> None:
    st.session_state[SUBMISSION_TIMES] = [t for t in submission_times() if at - t < 3600] + [at]


def reused_at(analysis_id: str):
    return st.session_state.get(REUSED, {}).get(analysis_id)


def remember_reused(analysis_id: str, finished_at) -> None:
    st.session_state[REUSED] = {**st.session_state.get(REUSED, {}), analysis_id: finished_at}


def forget_reused(analysis_id: str) -> None:
    st.session_state[REUSED] = {k: v for k, v in st.session_state.get(REUSED, {}).items() if k != analysis_id}
