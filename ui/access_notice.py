"""The notice above the KPIs: how an analysis reached Instagram, what Instagram withheld, and the fix."""

from __future__ import annotations

import streamlit as st

from core.instagram.data_source import EMULATOR
from core.instagram.demo import demo_enabled
from core.instagram.session import ANONYMOUS, access_kind
from core.storage.analyses import AnalysisState

LOGIN_PAGE = "pages/5_Instagram_login.py"


def _names(fields: tuple[str, ...]) -> str:
    return fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + " and " + fields[-1]


def _fallback(withheld: tuple[str, ...]) -> str:
    """What metrics that need plays use instead, given what was withheld (never a count that is itself withheld)."""
    if "plays" not in withheld:
        return ""
    if "views" in withheld:
        return " Metrics that need plays are left blank, and the engagement tiers (likes and comments) are used."
    return " Metrics that need plays fall back to views."


def access_message(analysis: AnalysisState, demo: bool = False) -> str | None:
    """The notice's text, or None when Instagram withheld nothing and the access was as set up. In demo mode the fix
    is the sidebar's Demo access switch (logging in to Instagram does nothing for demo data)."""
    withheld = tuple(analysis.withheld_fields or ())
    parts = []
    if analysis.access_notice:
        parts.append(analysis.access_notice)
    if withheld:
        who = "anonymous visitors" if analysis.access == "anonymous" else "this analysis"
        parts.append(f"{_names(withheld).capitalize()}: hidden from {who} by Instagram, so they are empty "
                     f"here.{_fallback(withheld)}")
    if not parts:
        return None
    if analysis.access == "anonymous":
        parts.append("Switch **Demo access** in the sidebar to the built-in demo session and re-run the analysis to "
                     "get plays." if demo else
                     "Log in to Instagram (your own browser session) and re-run the analysis to get plays.")
    return " ".join(parts)


def show_access_notice(analysis: AnalysisState) -> None:
    """Access line, plus a warning with the fix (and a link to the login page, outside demo mode) when Instagram
    withheld counts."""
    if analysis.access:
        st.caption(f"Instagram access: {analysis.access}")
    demo = demo_enabled() and analysis.data_source == EMULATOR
    message = access_message(analysis, demo)
    if message:
        st.warning(message, icon=":material/visibility_off:")
        if analysis.access == "anonymous" and not demo:
            st.page_link(LOGIN_PAGE, label="Log in to Instagram", icon=":material/login:")


def rerun_access_note(recorded: str | None, next_kind: str, demo: bool) -> str | None:
    """What a re-run would change about access (it runs with the access set up now), or None when nothing."""
    kind = access_kind(recorded)
    if kind is None or kind == next_kind:
        return None
    if demo:
        fix = "switch **Demo access** in the sidebar"
    elif next_kind == ANONYMOUS:
        fix = "log in on the **Instagram login** page"
    else:
        fix = "log out on the **Instagram login** page"
    lost = ", without plays or views" if next_kind == ANONYMOUS else ""
    return (f"This analysis ran {recorded}; a re-run now would run {next_kind}{lost}, so the two would not compare "
            f"like with like. To re-run it as it ran, {fix} first.")
