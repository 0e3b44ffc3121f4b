"""Compare two to five analysed profiles side by side."""

from __future__ import annotations

import streamlit as st

from ui import cache
from ui.layout import setup_page

db = setup_page("Compare", icon="⚖️")
st.title("⚖️ Compare profiles")
completed = cache.completed_states(db)
if len({s.username for s in completed}) < 2:
    st.info("Compare needs at least two completed analyses of different profiles: analyse two usernames on the "
            "**New analysis** page.", icon="👋")
    st.page_link("streamlit_app.py", label="New analysis", icon="➕")
    st.stop()
