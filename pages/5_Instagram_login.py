"""Optional Instagram login: paste a sessionid or a cookies JSON export (never a pickle file)."""

from __future__ import annotations

import streamlit as st

from core.instagram_session import (
    InvalidSession,
    check_session,
    delete_session,
    load_session,
    parse_session_input,
    save_session,
    session_file,
)
from core.scraper import reset_client
from ui.layout import setup_page

setup_page("Instagram login", icon=":material/key:")
st.title("Instagram login (optional)")
st.markdown("ReelScope works anonymously. Logged in, Instagram allows more requests and shows play counts more "
            "often. Paste the `sessionid` cookie of a browser where you are logged in to Instagram, or a cookies "
            "JSON export of instagram.com from a browser extension. Pickle session files are never accepted.")

if load_session():
    st.success(f"A session is stored (owner-only file in {session_file().parent}); analyses use it.",
               icon=":material/lock:")
    if st.button("Remove the stored session", icon=":material/delete:"):
        delete_session()
        reset_client()  # the next analysis starts anonymously
        st.rerun()
else:
    st.info("No session stored: analyses run anonymously.", icon=":material/public:")

with st.form("session"):
    pasted = st.text_area("sessionid or cookies JSON", height=120, placeholder='sessionid value, or [{"name": …}]')
    uploaded = st.file_uploader("…or a cookies JSON file", type=["json"], accept_multiple_files=False)
    submitted = st.form_submit_button("Check and save", type="primary")

if submitted:
    text = uploaded.getvalue().decode("utf-8", "replace") if uploaded is not None else pasted
    try:
        cookies = parse_session_input(text)
        with st.spinner("Checking the session with Instagram…"):
            username = check_session(cookies)
    except InvalidSession as exc:
        st.error(str(exc), icon=":material/block:")
    else:
        save_session(cookies)
        reset_client()  # rebuilt with the session on the next analysis
        st.success(f"Logged in as @{username}; the session is stored.", icon=":material/check_circle:")
