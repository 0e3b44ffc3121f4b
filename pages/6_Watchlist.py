"""Watchlist: profiles analysed again on a schedule, their growth across snapshots, and the alerts they raised."""

from __future__ import annotations

import streamlit as st

from core.settings import load_settings
from core.watchlists.watches import list_watches, remove_watches, start_due_watches
from ui.layout import setup_page
from ui.watchlist import add_watch_form, alerts_table, growth_section, watches_table

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
run_col, remove_col = st.columns(2)
if run_col.button("Run due watches now", disabled=not any(w.due for w in watches),
                  help="Start every watch that is due (the same step the scheduler runs)."):
    started = start_due_watches(db)
    st.toast(f"Started {len(started)} analyses" if started else "Nothing was due", icon=":material/play_arrow:")
    st.rerun()
to_remove = remove_col.selectbox("Stop watching", [None] + [w.username for w in watches],
                                 format_func=lambda n: "choose a profile…" if n is None else f"@{n}")
if to_remove and remove_col.button(f"Stop watching @{to_remove}"):
    remove_watches(db, [to_remove])
    st.toast(f"Stopped watching @{to_remove}; its analyses and alerts are kept.")
    st.rerun()

st.subheader("Alerts")
alerts_table(db)

st.subheader("Growth")
username = st.selectbox("Profile", [w.username for w in watches], format_func=lambda n: f"@{n}")
growth_section(db, username)
