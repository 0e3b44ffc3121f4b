"""The Instagram login page's pieces: the stored session's status, and the import from a local browser."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import streamlit as st

from core.instagram.browser_cookies import SUPPORTED_BROWSERS
from core.instagram.login import LoginFailed, log_in_from_browser, log_out
from core.instagram.session import SessionStatus, session_file_version, stored_session_status
from core.settings import load_settings
from core.signin.binding import is_loopback_address
from ui import state
from ui.signin import is_admin
from ui.text import escape_markdown

_BROWSER_LABELS = {"opera_gx": "Opera GX", "librewolf": "LibreWolf", "w3m": "w3m"}
_STATUS_BOX = {"logged_in": (st.success, ":material/check_circle:"), "expired": (st.error, ":material/timer_off:"),
               "unreadable": (st.error, ":material/block:"), "unchecked": (st.warning, ":material/wifi_off:"),
               "none": (st.info, ":material/public:")}


_PROXY_HEADERS = {"x-forwarded-for", "forwarded", "x-real-ip"}


def why_browser_import_is_hidden(server_address: str | None, request_headers: Iterable[str]) -> str | None:
    """None when "my browser" is on this machine: the server is bound to loopback and no proxy forwarded the page."""
    if not is_loopback_address(server_address):
        return (f"this dashboard server accepts connections from other machines (its `server.address` is "
                f"`{server_address or 'every address'}`)")
    if _PROXY_HEADERS & {name.lower() for name in request_headers}:
        return "this page reached you through a proxy, so you may be on another machine"
    return None


@st.cache_data(ttl=600, show_spinner="Checking the stored session with Instagram…")
def _cached_status(session_version: tuple, instagram_base_url: str | None) -> SessionStatus:
    """One check per stored file version and Instagram origin for ten minutes (test_login is a request)."""
    return stored_session_status()


def show_session_status() -> None:
    """Whether the stored session works and as whom; an expired one is said so, with the fix."""
    notice = st.session_state.pop(state.LOGIN_NOTICE, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    version, base_url = session_file_version(), load_settings().instagram_base_url
    status = _cached_status(version, base_url) if version else SessionStatus("none")
    box, icon = _STATUS_BOX[status.state]
    box(status.message, icon=icon)
    if base_url and status.state != "none":
        st.caption(f"Checked against {escape_markdown(base_url)} (`INSTAGRAM_BASE_URL`), not instagram.com: a real "
                   "Instagram session shows as expired there.")
    if status.state == "none" or not is_admin():  # only an admin may change or remove the team's session
        return
    check, remove = st.columns([1, 3])
    if check.button("Check again", icon=":material/refresh:"):
        _cached_status.clear()
        st.rerun()
    if remove.button("Remove the stored session", icon=":material/delete:"):
        log_out()  # the next analysis starts anonymously
        _cached_status.clear()
        st.session_state[state.LOGIN_NOTICE] = "The stored session was removed: analyses now run anonymously."
        st.rerun()


def browser_import() -> None:
    """Import the instagram.com cookies of a browser on this machine; only offered when the server is local."""
    st.subheader("Import from my browser")
    hidden_because = why_browser_import_is_hidden(st.get_option("server.address"), st.context.headers)
    if hidden_because:
        st.info(f"Hidden: {hidden_because}, and \"my browser\" would be a browser on the server, not yours. Run the "
                "dashboard on your own computer bound to 127.0.0.1 (`make run` does), or run `python -m core login "
                "--from-browser firefox` there, or paste cookies below.", icon=":material/visibility_off:")
        return
    st.caption("Reads the instagram.com cookies of a browser profile on this computer (with browser_cookie3, as "
               "instaloader's --load-cookies does). Log in to instagram.com in that browser first.")
    with st.form("browser_import"):
        browser = st.selectbox("Browser", SUPPORTED_BROWSERS, index=SUPPORTED_BROWSERS.index("firefox"),
                               format_func=lambda name: _BROWSER_LABELS.get(name, name.title()))
        profile = st.text_input("Profile folder or cookie file (optional)",
                                placeholder="empty: the browser's default profile")
        submitted = st.form_submit_button("Import from my browser", icon=":material/login:", type="primary")
    if submitted:
        try:
            with st.spinner("Reading the cookies and checking them with Instagram…"):
                username = log_in_from_browser(browser, Path(profile.strip()) if profile.strip() else None)
        except LoginFailed as exc:
            st.error(escape_markdown(exc), icon=":material/block:")
        else:
            logged_in(username)


def logged_in(username: str) -> None:
    """After a successful login: forget the cached status and show the page again with the news."""
    _cached_status.clear()
    st.session_state[state.LOGIN_NOTICE] = f"Logged in as {escape_markdown(username)}; the session is stored."
    st.rerun()
