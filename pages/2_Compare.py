"""Compare two to five analysed profiles side by side."""

from __future__ import annotations

import streamlit as st

from core.analytics.aggregates import compare_profiles
from ui import cache, charts, topic_charts, topics_tab
from ui.compare import kpi_table, profiles_for, shared_hashtags, shared_hashtags_table
from ui.context_tab import shares_table
from ui.layout import setup_page
from ui.sections import chart
from ui.widgets import analysis_label

db = setup_page("Compare", icon=":material/compare_arrows:")
st.title("Compare profiles")
completed = cache.completed_states(db)
if len({s.username for s in completed}) < 2:
    st.info("Compare needs completed analyses of at least two profiles: analyse two usernames on the "
            "**New analysis** page.", icon=":material/compare_arrows:")
    st.page_link("streamlit_app.py", label="New analysis", icon=":material/add_circle:")
    st.stop()

by_id = {s.analysis_id: s for s in completed}
latest_per_user = list({s.username: s.analysis_id for s in reversed(completed)}.values())[::-1]
requested = [i for i in st.query_params.get_all("analysis") if i in by_id][:5]
chosen_ids = st.multiselect("Analyses to compare (2 to 5)", list(by_id), default=requested or latest_per_user[:2],
                            max_selections=5, format_func=lambda i: analysis_label(by_id[i]))
st.query_params["analysis"] = chosen_ids
if len(chosen_ids) < 2:
    st.info("Pick at least two analyses above.", icon=":material/compare_arrows:")
    st.stop()

profiles = profiles_for(db, [by_id[i] for i in chosen_ids])
st.subheader("Key figures")
kpi_table(compare_profiles(profiles))
chart(charts.compare_kpis(profiles), key="compare-kpi-chart", clickable=False)

tiers_col, plays_col = st.columns(2)
with tiers_col:
    kinds = {"plays": "Plays (relative)", "engagement": "Engagement (quantiles)", "benchmark": "Benchmark (absolute)"}
    kind = st.segmented_control("Tier mix by", list(kinds), format_func=kinds.get, default="plays",
                                key="compare-tier-kind") or "plays"
    chart(charts.compare_tier_mix(profiles, kind=kind), key="compare-tiers", clickable=False)
with plays_col:
    chart(charts.compare_plays_distribution(profiles), key="compare-plays")

st.subheader("Sponsored and collab reels")
shares_table(profiles)

st.subheader("Topic mix")
chart(topic_charts.compare_topic_mix([(profile, topics_tab.attach(reels, analysis_id)) for (profile, reels), analysis_id
                                      in zip(profiles, chosen_ids, strict=True)]), key="compare-topics", clickable=False)
st.caption("Each profile's own topics (found from caption words and hashtags), as a share of its reels; grey: no "
           "usable words.")

st.subheader("Shared hashtags")
shared = shared_hashtags(profiles)
if shared.empty:
    st.info("These profiles use no hashtag in common.")
else:
    st.caption("Reels using each hashtag, per profile (each reel counted once); blank = not used.")
    shared_hashtags_table(shared)
