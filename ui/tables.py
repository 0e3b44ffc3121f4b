"""One way to show a table: counts with thousands separators, withheld counts blank (never "None") and said why."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.text import round_rate

# Why a count can be blank; shown in the column's tooltip (cells cannot carry their own).
WITHHELD_WHY = {
    "likes": "Blank: hidden by the creator.",
    "comments": "Blank: not shown by Instagram.",
    "plays": "Blank: not shown to anonymous visitors (the notice above the figures says how to get them).",
    "derived": "Blank: a count it needs is hidden by the creator or not shown to anonymous visitors.",
    "followers": "Blank: not shown to anonymous visitors.",
}


# Pixels that show "12,345,678" whole (and the sort arrow) in a count column: the default width cuts 7-digit plays.
COUNT_WIDTH = 112


def count_column(label: str, help_text: str | None = None, withheld: str | None = None, width=None):
    """A whole-number column with thousands separators ('1,178,150'); ``withheld`` names the WITHHELD_WHY note."""
    note = WITHHELD_WHY.get(withheld or "")
    return st.column_config.NumberColumn(label, help=" ".join(t for t in (help_text, note) if t) or None,
                                         format="localized", width=width)


def rate_column(label: str, help_text: str | None = None, withheld: str | None = None, width=None):
    """A per-day rate column; its values go through ``rates`` first (whole numbers from 100 up, one decimal below)."""
    return count_column(label, help_text, withheld, width)


def rates(values: pd.Series) -> pd.Series:
    """A column of per-day rates rounded by ui.text.round_rate (unknown stays blank)."""
    return pd.Series(pd.array([round_rate(v) for v in values], dtype="Float64"), index=values.index,
                     name=values.name)


def show_table(frame: pd.DataFrame, *, key: str, column_config: dict | None = None, hide_index: bool = True,
               **options) -> None:
    """``st.dataframe`` with missing values left blank."""
    st.dataframe(frame, hide_index=hide_index, key=key, column_config=column_config, placeholder="", **options)
