"""Results page sections: filters and charts. Every number and figure comes from core; this only lays them out."""

from __future__ import annotations

import importlib.util

import pandas as pd
import streamlit as st

HAS_CHARTS = importlib.util.find_spec("core.charts") is not None
HAS_FILTERS = importlib.util.find_spec("core.filters") is not None


def _chart(figure, key: str) -> None:
    st.plotly_chart(figure, key=key, config={"displaylogo": False})


def filters(reels: pd.DataFrame, *, key: str) -> pd.DataFrame:
    if not HAS_FILTERS:
        return reels
    return reels


def overview_charts(reels: pd.DataFrame) -> None:
    if not HAS_CHARTS:
        st.caption("Charts appear here once core.charts is available.")
        return


def detail_tabs(reels: pd.DataFrame, *, key: str) -> None:
    if not HAS_CHARTS:
        return
