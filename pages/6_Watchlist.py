"""Watchlist: profiles analysed again on a schedule, their growth across snapshots, and the alerts they raised."""

from __future__ import annotations

import streamlit as st

from core.settings import load_settings
from core.watchlists.watches import list_watches
from ui.layout import setup_page
from ui.watchlist import add_watch_form, alerts_table, growth_section, watch_actions, watches_table

db = setup_page("Watchlist", icon=":material/visibility:")
st.title("Watchlist")
poll = load_settings().watch_poll_seconds
st.caption("Watched profiles are analysed again whenever their interval has passed: by this dashboard while it runs "
           + (f"(checked every {poll:g} s)" if poll > 0 else "(turned off: REELSCOPE_WATCH_POLL_SECONDS=0)")
           + ", by Celery beat in team mode, or by `python -m core watch run-due` from cron.")

add_watch_form(db)
watches = list_watches(db)
if not watches:
    st.info("Nothing watched yet: add a username above.", icon=":material/visibility:")
    st.stop()

watches_table(watches)
watch_actions(db, watches)

st.subheader("Alerts")
alerts_table(db)

st.subheader("Growth")
username = st.selectbox("Profile", [w.username for w in watches], format_func=lambda n: f"@{n}")
growth_section(db, username)
