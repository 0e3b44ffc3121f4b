"""Optional Instagram login: import from a local browser, or paste cookies (never a pickle file)."""

from __future__ import annotations

import streamlit as st

from core.instagram.login import LoginFailed, log_in_with_cookies
from core.instagram.session import InvalidSession, parse_session_input
from ui.layout import setup_page
from ui.login import browser_import, logged_in, show_session_status
from ui.signin import admin_only
from ui.text import escape_markdown

setup_page("Instagram login", icon=":material/key:")
st.title("Instagram login (optional)")
st.markdown("ReelScope works anonymously, but Instagram sends play and view counts only to logged-in visitors. "
            "Log in to instagram.com in your browser, then import that browser's session here. The session is "
            "checked with Instagram, stored in an owner-only file, and never shown or logged.")

show_session_status()
admin_only("change or remove the Instagram session")
browser_import()

st.subheader("Paste cookies")
st.caption("The `sessionid` cookie of a browser where you are logged in to Instagram, or a cookies JSON export of "
           "instagram.com from a browser extension. Pickle session files are never accepted.")
with st.form("session"):
    pasted = st.text_area("sessionid or cookies JSON", height=120, placeholder='sessionid value, or [{"name": …}]')
    uploaded = st.file_uploader("…or a cookies JSON file", type=["json"], accept_multiple_files=False)
    submitted = st.form_submit_button("Check and save", type="primary")

if submitted:
    text = uploaded.getvalue().decode("utf-8", "replace") if uploaded is not None else pasted
    try:
        with st.spinner("Checking the session with Instagram…"):
            username = log_in_with_cookies(parse_session_input(text))
    except (InvalidSession, LoginFailed) as exc:
        st.error(escape_markdown(exc), icon=":material/block:")
    else:
        logged_in(username)
