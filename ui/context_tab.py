"""Per-reel context on the Results and Compare pages: table columns, filter widgets, the Context tab and the
sponsored / collab shares. Every figure comes from core.analytics.context; this module only lays them out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analytics.context import MIN_SAMPLE, ContextFigure, context_figures, context_shares
from core.exports.fields import field_infos
from core.instagram.reel_context import AUDIO_TYPES
from ui.column_help import TOOLTIPS

# Results table columns (after the core ones), in order
TABLE_COLUMNS = ("collaborators", "is_paid_partnership", "sponsors", "audio_type", "audio_title", "audio_artist",
                 "location_name")
_ANY = "Any"
_CHOICES = {"sponsored": {_ANY: None, "Sponsored": True, "Organic": False},
            "collab": {_ANY: None, "Collab": True, "Solo": False}}


def column_config() -> dict:
    """st.dataframe column_config for TABLE_COLUMNS: labels from the data dictionary, tooltips from ui.column_help."""
    infos = field_infos()
    config = {}
    for name in TABLE_COLUMNS:
        info, tooltip = infos[name], TOOLTIPS[name]
        if info.kind == "list":
            config[name] = st.column_config.ListColumn(info.label, help=tooltip)
        elif info.kind == "boolean":
            config[name] = st.column_config.CheckboxColumn(info.label, help=tooltip, width="small")
        else:
            config[name] = st.column_config.TextColumn(info.label, help=tooltip)
    return config


def filter_widgets(reels: pd.DataFrame, *, key: str, kept: dict) -> None:
    """Sponsored / organic, collab / solo, audio type and location widgets, initialised from ``kept`` (the values
    chosen before, which outlive the widgets while the filters are hidden) and writing their values back to it."""
    sponsored_col, collab_col, audio_col, place_col = st.columns([5, 4, 3, 3])  # room for every choice
    kept["sponsored"] = sponsored_col.segmented_control(
        "Sponsorship", list(_CHOICES["sponsored"]), default=kept.get("sponsored", _ANY), key=f"f-sponsored-{key}",
        help="Sponsored: paid-partnership label or sponsor tags. Reels Instagram said nothing about match neither.")
    kept["collab"] = collab_col.segmented_control("Collaboration", list(_CHOICES["collab"]),
                                                  default=kept.get("collab", _ANY), key=f"f-collab-{key}",
                                                  help="Collab: the reel has co-authors.")
    kept["audio"] = audio_col.selectbox("Audio", AUDIO_TYPES, index=_index(AUDIO_TYPES, kept.get("audio")),
                                        placeholder="Any audio", key=f"f-audio-{key}",
                                        format_func=lambda a: {"original": "Original sound",
                                                               "licensed": "Licensed music"}[a])
    places = sorted({p for p in reels["location_name"].dropna()}) if "location_name" in reels else []
    kept["location"] = place_col.selectbox("Location", places, index=_index(places, kept.get("location")),
                                           placeholder="Any location", key=f"f-location-{key}")


def _index(options, value) -> int | None:
    return list(options).index(value) if value in options else None


def filter_arguments(kept: dict) -> dict:
    """ReelFilters keyword arguments from the context widgets' values (filter_widgets); nothing chosen = no filter."""
    return {"sponsored": _CHOICES["sponsored"].get(kept.get("sponsored") or _ANY),
            "collab": _CHOICES["collab"].get(kept.get("collab") or _ANY),
            "audio_type": kept.get("audio"), "location": kept.get("location")}


def _figure(figure: ContextFigure, render) -> None:
    st.markdown(f"**{figure.title}** · sample: {figure.sample} reels")
    if figure.table is None:
        st.info(f"Not shown: {figure.reason}.", icon=":material/info:")
    else:
        render(figure.table)


def _comparison(table: pd.DataFrame, key: str) -> None:
    st.dataframe(table, hide_index=True, key=key, column_config={
        "group": st.column_config.TextColumn("group"),
        "reels": st.column_config.NumberColumn("reels", format="%d"),
        "plays_sample": st.column_config.NumberColumn("with plays", format="%d"),
        "median_plays": st.column_config.NumberColumn("median plays", format="compact"),
        "rate_sample": st.column_config.NumberColumn("with eng. rate", format="%d"),
        "median_engagement_rate": st.column_config.NumberColumn("median eng. rate", format="%.2f%%"),
    })


def _ranking(table: pd.DataFrame, key: str) -> None:
    st.dataframe(table, hide_index=True, key=key, column_config={
        "audio_type": st.column_config.TextColumn("type"), "audio_title": st.column_config.TextColumn("title"),
        "audio_artist": st.column_config.TextColumn("artist"), "audio_id": st.column_config.TextColumn("audio id"),
        "location_name": st.column_config.TextColumn("place"),
        "total_plays": st.column_config.NumberColumn("total plays", format="compact"),
        "median_plays": st.column_config.NumberColumn("median plays", format="compact"),
        "shortcodes": st.column_config.ListColumn("reels"),
    })


def render_context_tab(reels: pd.DataFrame, *, key: str) -> None:
    """Sponsored vs organic, collab vs solo, top audio, top locations and collaborators, each with its sample."""
    st.caption(f"From the data Instagram sent with each reel. Figures need at least {MIN_SAMPLE} reels, and the "
               f"rankings list only tracks, places and collaborators with at least {MIN_SAMPLE} reels each; reels "
               "whose sponsorship or collaborators Instagram did not send are left out (see Methodology).")
    sponsored, collab, audio, places, people = context_figures(reels)
    # full width: each comparison table has six columns, which half the page would cut
    _figure(sponsored, lambda t: _comparison(t, f"ctx-sponsored-{key}"))
    _figure(collab, lambda t: _comparison(t, f"ctx-collab-{key}"))
    _figure(audio, lambda t: _ranking(t, f"ctx-audio-{key}"))
    left, right = st.columns(2)
    with left:
        _figure(places, lambda t: _ranking(t, f"ctx-places-{key}"))
    with right:
        _figure(people, lambda t: _ranking(t, f"ctx-people-{key}"))


def shares_table(profiles: list[tuple[dict, pd.DataFrame]]) -> None:
    """Compare page: sponsored share and collab share per profile, with the samples they come from."""
    rows = [{"profile": f"@{profile['username']}", **context_shares(reels)} for profile, reels in profiles]
    frame = pd.DataFrame(rows)
    for name in ("sponsored_share", "collab_share"):
        frame[name] = frame[name].astype("Float64") * 100
    st.dataframe(frame, hide_index=True, key="compare-context", column_config={
        "sponsored_share": st.column_config.NumberColumn("sponsored share", format="%.0f%%"),
        "sponsored_sample": st.column_config.NumberColumn("reels with known sponsorship", format="%d"),
        "collab_share": st.column_config.NumberColumn("collab share", format="%.0f%%"),
        "collab_sample": st.column_config.NumberColumn("reels with known collaborators", format="%d"),
    })
    st.caption(f"Shares of the reels whose status Instagram sent; blank below {MIN_SAMPLE} such reels.")
