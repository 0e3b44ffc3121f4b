"""The reels table: thumbnails, links, caption previews, every metric and tier; sortable and paginated."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.metrics import METRICS, RAW_FIELDS
from ui import context_tab
from ui.column_help import TOOLTIPS
from ui.tables import COUNT_WIDTH, WITHHELD_WHY, count_column, rate_column, rates, show_table
from ui.text import image_url, link_url

PAGE_SIZE = 250
CAPTION_PREVIEW = 90

# Shown columns in order; labels come from core.analytics.metrics so the table and the methodology agree, tooltips
# from ui.column_help (the methodology's meaning in an analyst's words).
COLUMNS = ("thumbnail_url", "url", "caption", "posted_at", "topic", "effective_plays", "likes", "comments",
           "engagement_rate", "engagement_per_play", "plays_per_follower", "likes_per_1k_plays",
           "comments_per_1k_plays", "plays_per_day", "plays_vs_median", "age_days", "plays_tier", "engagement_tier",
           "benchmark_tier", "duration", "is_pinned", "product_type", "hashtags", "mentions", *context_tab.TABLE_COLUMNS)
_FORMATS = {"engagement_rate": "%.2f%%", "engagement_per_play": "%.2f%%", "plays_per_follower": "%.2f",
            "likes_per_1k_plays": "%.1f", "comments_per_1k_plays": "%.2f", "plays_vs_median": "%.2f×",
            "age_days": "%.0f", "duration": "%.0f s"}
# Whole counts with thousands separators, and why a blank one is blank.
_COUNTS = {"effective_plays": "plays", "likes": "likes", "comments": "comments"}


def _describe(name: str):
    return METRICS.get(name) or RAW_FIELDS.get(name)


def _column_config() -> dict:
    config = {
        "thumbnail_url": st.column_config.ImageColumn("Thumbnail", width="small"),
        "url": st.column_config.LinkColumn("Reel", display_text="Open ↗", width="small", help=TOOLTIPS["url"]),
        "caption": st.column_config.TextColumn("Caption", width="large", help=TOOLTIPS["caption"]),
        "posted_at": st.column_config.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC",
                                                     help=TOOLTIPS["posted_at"]),
        "topic": st.column_config.TextColumn("Topic", help=TOOLTIPS["topic"] + " Blank: no usable words."),
        "plays_per_day": rate_column(_describe("plays_per_day").label, TOOLTIPS["plays_per_day"],
                                     withheld="derived", width=COUNT_WIDTH),
    }
    config.update(context_tab.column_config())
    for name in COLUMNS:
        if name in config:
            continue
        meta = _describe(name)
        label, help_text = (meta.label if meta else name), TOOLTIPS.get(name)
        if name in _COUNTS:
            config[name] = count_column(label, help_text, withheld=_COUNTS[name], width=COUNT_WIDTH)
        elif name in _FORMATS:
            config[name] = st.column_config.NumberColumn(
                label, help=f"{help_text} {WITHHELD_WHY['derived']}" if help_text else None, format=_FORMATS[name])
        elif name in ("hashtags", "mentions"):
            config[name] = st.column_config.ListColumn(label, help=help_text)
        elif name == "is_pinned":
            config[name] = st.column_config.CheckboxColumn(label, help=help_text, width="small")
        else:
            config[name] = st.column_config.TextColumn(label, help=help_text)
    return config


def display_frame(reels: pd.DataFrame) -> pd.DataFrame:
    """The columns the table shows, with browser-loadable image URLs and caption previews."""
    frame = reels[[c for c in COLUMNS if c in reels.columns]].copy()
    frame["thumbnail_url"] = frame["thumbnail_url"].map(image_url)
    if "url" in frame.columns:
        frame["url"] = frame["url"].map(link_url)
    frame["caption"] = frame["caption"].fillna("").map(
        lambda text: text if len(text) <= CAPTION_PREVIEW else text[:CAPTION_PREVIEW].rstrip() + "…")
    if "plays_per_day" in frame.columns:
        frame["plays_per_day"] = rates(frame["plays_per_day"])
    for tier in ("plays_tier", "engagement_tier", "benchmark_tier"):
        if tier in frame.columns:
            frame[tier] = frame[tier].astype("string")
    return frame


def reels_table(reels: pd.DataFrame, *, key: str = "reels") -> None:
    """Sort (across all pages), paginate, and show the reels with column_config."""
    if reels.empty:
        st.info("No reels match: widen the filters above, or analyse a profile that has videos.")
        return
    sortable = {"posted_at": "Posted date", **{c: _describe(c).label for c in
                                               ("effective_plays", "engagement_rate", "likes", "comments",
                                                "plays_per_day", "duration") if c in reels.columns}}
    sort_col, order_col, page_col = st.columns([2, 1, 1])
    sort_by = sort_col.selectbox("Sort by", list(sortable), format_func=sortable.get, key=f"{key}-sort")
    descending = order_col.selectbox("Order", ["Descending", "Ascending"], key=f"{key}-order") == "Descending"
    ordered = reels.sort_values(sort_by, ascending=not descending, na_position="last", kind="stable")
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = page_col.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key=f"{key}-page",
                                 disabled=pages == 1)
    shown = ordered.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    st.caption(f"Reels {(page - 1) * PAGE_SIZE + 1}-{(page - 1) * PAGE_SIZE + len(shown)} of {len(ordered)} · "
               "click a column header to sort this page")
    show_table(display_frame(shown), key=key, column_config=_column_config(), row_height=64,
               height=min(64 * len(shown) + 40, 680))
