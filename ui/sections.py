"""Results page sections: filters and charts. Every number and figure comes from core; this only lays them out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from core.analytics.aggregates import TOP_PERFORMER_METRICS, hashtag_stats, ranking_metric, tag_pairs
from core.analytics.filters import ReelFilters, apply_filters, describe
from core.analytics.metrics import METRICS, PLAYS_TIERS, TIER_RULES
from ui import charts, context_tab, posting_times, topics_tab
from ui.reels_table import reels_table
from ui.tables import count_column, show_table
from ui.text import link_url

TIME_ZONES = ("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago",
              "America/Los_Angeles", "America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
              "Asia/Tokyo", "Australia/Sydney")


def chart(figure, *, key: str, clickable: bool = True) -> None:
    """A Plotly chart; clicking a reel's point offers a link to it (customdata[0] is the reel URL in ui.charts)."""
    if not clickable:
        st.plotly_chart(figure, key=key, config={"displaylogo": False})
        return
    event = st.plotly_chart(figure, key=key, config={"displaylogo": False}, on_select="rerun",
                            selection_mode="points")
    points = getattr(getattr(event, "selection", None), "points", None) or []
    urls = [url for p in points if isinstance(p.get("customdata"), list) and p["customdata"]
            and (url := link_url(p["customdata"][0]))]
    if urls:
        st.link_button("Open the selected reel on Instagram ↗", urls[0])


FILTERS_LABEL = "Filters: apply to every chart and the table"


def filters_key(key: str) -> str:
    """The session_state key of the Filters expander (True = open)."""
    return f"filters-{key}"


def filter_panel_open(key: str) -> bool:
    """Whether the Filters expander is open (its widgets then set the filters, so it is drawn before they apply)."""
    return bool(st.session_state.get(filters_key(key), False))


def _posted_range(reels: pd.DataFrame) -> tuple[date, date]:
    posted = reels["posted_at"].dropna()
    return (posted.min().date(), posted.max().date()) if len(posted) else (date.today(), date.today())


def filter_panel(reels: pd.DataFrame, *, key: str, whole: Callable[[], pd.DataFrame] | None = None) -> None:
    """The Filters expander. Its widgets load on demand (ten widgets would hold up the first chart): drawn only
    while it is open, they keep their values in session_state, so the filters set stay applied (applied_filters),
    and are shown again, while it is closed. ``reels`` may be the analysis's Overview frame; ``whole`` then loads
    every column, which the widgets need."""
    kept = st.session_state.setdefault(f"filters-kept-{key}", {})
    panel = st.expander(FILTERS_LABEL, icon=":material/filter_alt:", key=filters_key(key), on_change="rerun")
    if panel.open:
        with panel:
            _filter_widgets((whole or (lambda: reels))(), kept, *_posted_range(reels), key=key)


def applied_filters(reels: pd.DataFrame, *, key: str,
                    whole: Callable[[], pd.DataFrame] | None = None) -> tuple[pd.DataFrame, ReelFilters]:
    """The filters set in the Filters panel → core.analytics.filters: the matching reels and the filters (possibly
    empty). With none set, ``reels`` itself (possibly the Overview frame: ``whole``, every column of the analysis,
    is then never loaded); otherwise ``whole()`` filtered, under a caption saying how many match."""
    first, last = _posted_range(reels)
    kept = st.session_state.setdefault(f"filters-kept-{key}", {})
    dates = kept.get("dates", (first, last))
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)
    search = kept.get("search", "")
    chosen = ReelFilters(date_from=start if start and start > first else None,
                         date_to=end if end and end < last else None, tiers=tuple(kept.get("tiers", ())),
                         min_plays=int(kept.get("min_plays", 0)) or None, hashtag=kept.get("hashtag"),
                         caption_search=search.strip() or None, **context_tab.filter_arguments(kept),
                         **topics_tab.filter_arguments(kept))
    if chosen.is_empty:
        return reels, chosen
    reels = (whole or (lambda: reels))()
    if chosen.topic:
        reels = topics_tab.attach(reels, key)
    filtered = apply_filters(reels, chosen)
    st.caption(f"Showing {len(filtered)} of {len(reels)} reels · {describe(chosen)}")
    return filtered, chosen


def _filter_widgets(reels: pd.DataFrame, kept: dict, first: date, last: date, *, key: str) -> None:
    """The filter widgets, initialised from ``kept`` and writing their values back to it."""
    dates_col, tier_col, plays_col = st.columns([2, 2, 1])
    kept["dates"] = dates_col.date_input("Posted between (UTC)", value=kept.get("dates", (first, last)),
                                         min_value=first, max_value=last, key=f"f-dates-{key}")
    kept["tiers"] = tier_col.multiselect("Plays tier", list(PLAYS_TIERS), default=kept.get("tiers", []),
                                         key=f"f-tiers-{key}", placeholder="All tiers",
                                         help="; ".join(f"{t}: {TIER_RULES[t]}" for t in PLAYS_TIERS))
    kept["min_plays"] = plays_col.number_input("Minimum plays", min_value=0, value=kept.get("min_plays", 0),
                                               step=1000, key=f"f-plays-{key}")
    tag_col, search_col = st.columns(2)
    tags = hashtag_stats(reels, min_support=1)["tag"].tolist()
    hashtag = kept.get("hashtag")
    kept["hashtag"] = tag_col.selectbox("Hashtag", tags, index=tags.index(hashtag) if hashtag in tags else None,
                                        placeholder="Any hashtag", key=f"f-tag-{key}", format_func=lambda t: f"#{t}")
    kept["search"] = search_col.text_input("Caption contains", value=kept.get("search", ""), key=f"f-search-{key}",
                                           placeholder="e.g. giveaway")
    context_tab.filter_widgets(reels, key=key, kept=kept)
    topics_tab.filter_widget(reels, key=key, kept=kept)


def _log_plays_key(key: str) -> str:
    return f"logplays-{key}"


def log_plays(*, key: str) -> bool:
    """The log-scale switch's value (log by default), before the switch is drawn: the page draws it after its first
    chart, so the browser starts on the chart sooner."""
    return bool(st.session_state.get(_log_plays_key(key), True))


def log_plays_toggle(*, key: str) -> bool:
    """One switch for every plays axis of the page (log by default: a few viral reels would flatten the rest)."""
    return st.toggle("Plays on a log scale", value=True, key=_log_plays_key(key),
                     help="A log scale spreads out the many reels with modest plays; switch off for a linear axis.")


@st.cache_resource(max_entries=64, show_spinner=False)
def _overview_figure(name: str, version: str, _reels: pd.DataFrame, **options):
    """charts.<name>(reels, **options), cached: ``version`` names the reels (analysis, its updated_at and the filters
    set), so a new tab or a rerun with the same filters gets the figure without rebuilding it. A resource cache:
    st.cache_data would unpickle, and so re-validate, the whole figure on every page open; the figure is shared,
    so it is only ever handed to st.plotly_chart (which copies it), never changed."""
    return getattr(charts, name)(_reels, **options)


def overview_charts(reels: pd.DataFrame, filtered: bool, *, key: str, log_plays: bool = True,
                    version: str | None = None) -> None:
    """Plays over time and the tier distribution; with ``version`` (see _overview_figure) the figures are cached."""
    def figure(name: str, **options):
        if version is None:
            return getattr(charts, name)(reels, **options)
        return _overview_figure(name, version, reels, **options)

    left, right = st.columns([3, 2])
    with left:
        chart(figure("plays_over_time", filtered=filtered, log_plays=log_plays), key=f"plays-{key}")
    with right:
        kinds = {"plays": "Plays", "engagement": "Engagement",
                 "benchmark": "Benchmark"}
        # without any play count (e.g. anonymous), the engagement tiers are the ones that say something
        plays = reels.get("effective_plays")
        default = "plays" if plays is not None and plays.notna().any() else "engagement"
        kind = st.segmented_control("Tiers", list(kinds), format_func=kinds.get, default=default,
                                    key=f"tierkind-{key}") or default
        chart(figure("tier_distribution", kind=kind, filtered=filtered), key=f"tiers-{key}", clickable=False)


RESULT_TABS = ("Overview", "Reels table", "Hashtags & mentions", "Top performers", "Trends & duration",
               "Posting times", "Context", "Topics")


def result_tabs(reels: pd.DataFrame, filtered: bool, *, key: str, log_plays: bool = True,
                version: str | None = None, whole: Callable[[], pd.DataFrame] | None = None) -> None:
    """The Results page's tabs; only the open one is computed and sent to the browser (switching tabs reruns the
    page), so the first chart is not held up by the rest. ``version``: see overview_charts. Unfiltered, ``reels``
    may be the Overview frame; the other tabs then read ``whole()``, every column of the analysis."""
    overview, table, tags, top, trends, timing, context, topics = st.tabs(
        list(RESULT_TABS), key=f"detail-tabs-{key}", on_change="rerun")
    if overview.open:
        with overview:
            overview_charts(reels, filtered, key=key, log_plays=log_plays, version=version)
    if not any(tab.open for tab in (table, tags, top, trends, timing, context, topics)):
        return
    if not filtered and whole is not None:
        reels = whole()
    if table.open:
        with table:
            reels_table(topics_tab.attach(reels, key), key=f"reels-{key}")
    if tags.open:
        _tags_tab(tags, reels, filtered, key=key)
    if top.open:
        _top_tab(top, reels, filtered, key=key)
    if trends.open:
        _trends_tab(trends, reels, filtered, key=key, log_plays=log_plays)
    if timing.open:
        _timing_tab(timing, reels, filtered, key=key)
    if context.open:
        with context:
            context_tab.render_context_tab(reels, key=key)
    if topics.open:
        with topics:
            topics_tab.render_topics_tab(reels, key=key, chart=chart)


def _tags_tab(tab, reels: pd.DataFrame, filtered: bool, *, key: str) -> None:
    with tab:
        left, right = st.columns(2)
        with left:
            chart(charts.hashtag_frequency(reels, filtered=filtered), key=f"hashtags-{key}", clickable=False)
        with right:
            chart(charts.mention_frequency(reels, filtered=filtered), key=f"mentions-{key}", clickable=False)
        st.caption("Lift on each bar = median plays of the reels with the tag ÷ median plays of those without; "
                   "n/a with fewer than 3 reels using it, where it would mean nothing.")
        pairs = tag_pairs(reels)
        if not pairs.empty:
            st.markdown("**Hashtags used together most often**")
            show_table(pairs, key=f"pairs-{key}", column_config={
                "tag_a": st.column_config.TextColumn("hashtag"), "tag_b": st.column_config.TextColumn("used with"),
                "reels": count_column("reels using both"),
                "share": st.column_config.NumberColumn("share of reels", format="%.1f%%")})


def _top_tab(tab, reels: pd.DataFrame, filtered: bool, *, key: str) -> None:
    with tab:
        labels = {name: METRICS[column].label if column in METRICS else name.capitalize()
                  for name, column in TOP_PERFORMER_METRICS.items()}
        fallback = ranking_metric(reels)
        metric = st.segmented_control("Rank by", list(labels), format_func=labels.get, default=fallback,
                                      key=f"topmetric-{key}") or fallback
        chart(charts.top_performers(reels, metric=metric, filtered=filtered), key=f"top-{key}")
        st.caption("📌 marks pinned reels: they sit first on the profile although they may be old. Bars are "
                   "labelled by caption and posting date; hover for the shortcode and counts.")


def _trends_tab(tab, reels: pd.DataFrame, filtered: bool, *, key: str, log_plays: bool) -> None:
    with tab:
        left, right = st.columns(2)
        with left:
            chart(charts.duration_vs_plays(reels, filtered=filtered, log_plays=log_plays), key=f"duration-{key}")
        with right:
            chart(charts.cadence(reels, filtered=filtered), key=f"cadence-{key}", clickable=False)


def _timing_tab(tab, reels: pd.DataFrame, filtered: bool, *, key: str) -> None:
    with tab:
        zone = st.selectbox("Time zone", TIME_ZONES, index=0, key=f"tz-{key}",
                            help="Posting times are shown in this time zone (stored times are UTC).")
        chart(charts.posting_heatmap(reels, tz=zone, filtered=filtered), key=f"heatmap-{key}", clickable=False)
        if not reels.empty:
            posting_times.render_totals(reels, zone, key=key)
