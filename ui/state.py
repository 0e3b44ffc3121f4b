"""The few session_state keys the dashboard uses, named in one place."""

from __future__ import annotations

import streamlit as st

SUBMITTED_IDS = "submitted_ids"  # analyses submitted from this browser session, newest last
CONFIRM_DELETE = "confirm_delete"  # the analysis id whose delete awaits confirmation on History
DEMO_TOGGLE = "demo_toggle"  # widget key of the sidebar demo switch


def submitted_ids() -> list[str]:
    return list(st.session_state.get(SUBMITTED_IDS, []))


def remember_submitted(ids: list[str]) -> None:
    known = [i for i in submitted_ids() if i not in ids]
    st.session_state[SUBMITTED_IDS] = known + list(ids)


def forget_submitted(analysis_id: str) -> None:
    st.session_state[SUBMITTED_IDS] = [i for i in submitted_ids() if i != analysis_id]
