"""Page set-up shared by every page: config, one-time process start-up, the demo switch and label."""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import streamlit as st

from core.exports.leftovers import clean_export_leftovers
from core.instagram.demo import demo_enabled, start_demo, stop_demo
from core.jobs.submission import recover_orphans
from core.observability.exposition import metrics_port_from_argv, serve_metrics_once
from core.storage.engine import Database, get_database
from core.watchlists.scheduler import WatchScheduler, start_scheduler
from ui import state
from ui.signin import is_admin, require_sign_in, signed_in_sidebar
from ui.warm_up import start_warm_up

DEMO_LABEL = "Demo mode — demo data from the built-in emulator, not Instagram"
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
MAIN_PAGE = ("streamlit_app.py", "New analysis", ":material/add_circle:")
# Streamlit's own sidebar list is hidden (.streamlit/config.toml: client.showSidebarNavigation = false) because it
# would name the entry page after its file ("streamlit app"); this list is built from pages/ the same way.
PAGE_ICONS = {"Results": ":material/analytics:", "Compare": ":material/compare_arrows:",
              "History": ":material/history:", "Health": ":material/monitor_heart:",
              "Instagram login": ":material/key:", "Watchlist": ":material/visibility:"}


def page_label(filename: str) -> str:
    """'3_History.py' → 'History', '5_Instagram_login.py' → 'Instagram login' (as Streamlit names pages)."""
    return re.sub(r"^\d+_", "", filename.removesuffix(".py")).replace("_", " ")


@cache  # pages/ is fixed while the server runs: list it once, not on every rerun of every page
def navigation() -> tuple[tuple[str, str, str], ...]:
    """(path, label, icon) of every page in sidebar order: New analysis first, then pages/ by file name."""
    pages = sorted((p.name for p in PAGES_DIR.glob("*.py")), key=lambda n: (int(re.match(r"\d*", n)[0] or 1e9), n))
    return (MAIN_PAGE, *((f"pages/{name}", page_label(name), PAGE_ICONS.get(page_label(name), ":material/article:"))
                         for name in pages))


@st.cache_resource(show_spinner=False)
def _recover_orphans_once(database_url: str) -> int:
    """Analyses left running by a process that died are failed once per process and database; partial export
    files it left are removed."""
    clean_export_leftovers()
    return recover_orphans(get_database(database_url))


@st.cache_resource(show_spinner=False)
def _watch_scheduler(database_url: str) -> WatchScheduler | None:
    """Due watches run in this process's background thread while the dashboard runs (never calls st.*)."""
    return start_scheduler(get_database(database_url))


def setup_page(title: str, icon: str = ":material/movie:", *, sidebar: bool = True) -> Database:
    """Configure the page, run start-up once, draw the sidebar; return the database to read. With
    ``sidebar=False`` the page calls draw_sidebar itself, later (Results: after its first chart, which the
    browser then draws without first loading the sidebar's widgets)."""
    st.set_page_config(page_title=f"{title} · ReelScope", page_icon=icon, layout="wide")
    require_sign_in()  # the sign-in screen, or the refusal, stops the page here: nothing from the store is shown
    if demo_enabled():
        start_demo()  # idempotent: starts the emulator once per process
    db = get_database()
    _recover_orphans_once(db.url)
    _watch_scheduler(db.url)
    start_warm_up()  # once per process, in the background: the first Results page then opens as fast as later ones
    if (metrics_port := metrics_port_from_argv(sys.argv[1:])) is not None:  # streamlit run … -- --metrics-port P
        serve_metrics_once(metrics_port)
    if sidebar:
        draw_sidebar()
    if demo_enabled():
        st.info(DEMO_LABEL, icon=":material/science:")
    return db


def _on_demo_toggle() -> None:
    if st.session_state.get(state.DEMO_TOGGLE):
        start_demo()
    else:
        stop_demo()


def draw_sidebar() -> None:
    """ReelScope's page list and the demo switch, in the sidebar."""
    with st.sidebar:
        st.markdown("### :material/movie: ReelScope")
        st.caption("Instagram reels analytics")
        for path, label, icon in navigation():
            st.page_link(path, label=label, icon=icon)
        st.divider()
        signed_in_sidebar()
        st.session_state[state.DEMO_TOGGLE] = demo_enabled()
        st.toggle("Demo mode (built-in emulator, not Instagram)", key=state.DEMO_TOGGLE, on_change=_on_demo_toggle,
                  disabled=not is_admin(),
                  help="Analyses run against ReelScope's built-in Instagram emulator with synthetic profiles "
                       "(demo_creator, demo_travel, demo_food). Applies to the whole server process, so only "
                       "an admin may switch it.")
        if demo_enabled():
            st.caption("Try: `demo_creator`, `demo_travel`, `demo_food`, `demo_topics`")
            _demo_access()


_DEMO_ACCESS = {True: "Built-in demo session (with plays)", False: "Anonymous (no plays, as Instagram answers)"}


def _demo_access() -> None:
    """Demo mode shows both ways of reaching Instagram: the built-in demo session, or anonymous. The choice is this
    browser session's (``state.requested_access``), never the process's: another person's choice leaves it alone."""
    st.session_state.setdefault(state.DEMO_ACCESS, True)
    st.radio("Demo access", list(_DEMO_ACCESS), format_func=_DEMO_ACCESS.get, key=state.DEMO_ACCESS,
             help="Logged in, Instagram sends play counts; anonymous visitors get none. Applies to the analyses you "
                  "start from now on (in this browser only).")
