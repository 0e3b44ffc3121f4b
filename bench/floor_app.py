"""The cold-start floor: Streamlit's own server start, page load and Plotly's first chart, with nothing of ours.

bench/stored.py starts this with ``streamlit run`` in the same run as the dashboard and waits for the same
``.main-svg``; the difference between the two is ReelScope's share of a cold start.
"""

import plotly.graph_objects as go
import streamlit as st

st.write("x")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
