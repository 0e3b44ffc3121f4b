"""Cached reads for pages. Keys include the analysis's updated_at, so a changed analysis is re-read."""

from __future__ import annotations

import logging
from datetime import datetime

import pandas as pd
import streamlit as st

from core.storage import analyses as store
from core.storage import columnar, queries
from core.storage.analyses import AnalysisState
from core.storage.engine import Database, get_database
from core.storage.models import Status
from core.storage.topics import StoredTopics, stored_topics

log = logging.getLogger("reelscope.ui")


def _load_reels(db: Database, analysis_id: str) -> pd.DataFrame:
    """A completed analysis's reels from its columnar file (core.storage.columnar: checked against the store, rebuilt when
    stale), else, or if the cache fails, from the store itself. Both give the same frame."""
    try:
        frame = columnar.reels_frame(db, analysis_id)
    except Exception:  # noqa: BLE001 - the cache is an optimisation; the store answers instead
        log.warning("columnar cache unavailable for analysis %s", analysis_id, exc_info=True)
        frame = None
    return frame if frame is not None else queries.load_reels_frame(db, analysis_id)


@st.cache_data(max_entries=32, show_spinner=False)
def _reels(database_url: str, analysis_id: str, updated_at: datetime) -> pd.DataFrame:
    return _load_reels(get_database(database_url), analysis_id)


@st.cache_data(max_entries=64, show_spinner=False)
def _profile(database_url: str, analysis_id: str, updated_at: datetime) -> dict | None:
    return queries.load_profile(get_database(database_url), analysis_id)


def reels_frame(db: Database, state: AnalysisState) -> pd.DataFrame:
    return _reels(db.url, state.analysis_id, state.updated_at)


def profile(db: Database, state: AnalysisState) -> dict | None:
    return _profile(db.url, state.analysis_id, state.updated_at)


def completed_states(db: Database, limit: int = 500) -> list[AnalysisState]:
    return store.list_states(db, status=Status.COMPLETED, limit=limit)


def previous_completed(db: Database, state: AnalysisState) -> AnalysisState | None:
    """The same creator's latest completed analysis from the same data source created before this one (for KPI
    deltas: a demo snapshot is never compared with Instagram's)."""
    earlier = [s for s in store.list_states(db, username=state.username, status=Status.COMPLETED, limit=50)
               if s.created_at < state.created_at and s.analysis_id != state.analysis_id
               and s.data_source == state.data_source]
    return earlier[0] if earlier else None


# A resource cache, not st.cache_data: every page open would otherwise unpickle a fresh copy of the whole frame
# (about 70 ms for 10,000 reels). Readers get a shallow copy, which under pandas' copy-on-write shares the data
# yet cannot change the cached frame, and their own copy of the profile dict.
@st.cache_resource(max_entries=32, show_spinner=False)
def _enriched(database_url: str, analysis_id: str, updated_at: datetime) -> tuple[pd.DataFrame, dict | None]:
    from core.analytics.metrics import enrich_analysis

    db = get_database(database_url)
    state = store.get_state(db, analysis_id)
    reels = _load_reels(db, analysis_id)
    profile_ = queries.load_profile(db, analysis_id)
    finished_at, last_update = (state.finished_at, state.updated_at) if state else (None, updated_at)
    return enrich_analysis(reels, profile_, finished_at, last_update), profile_


def enriched(db: Database, state: AnalysisState) -> tuple[pd.DataFrame, dict | None]:
    """The analysis's reels with every metric of core.analytics.metrics, and its profile snapshot (cached; each
    caller gets its own copy to change)."""
    frame, profile_ = _enriched(db.url, state.analysis_id, state.updated_at)
    return frame.copy(deep=False), dict(profile_) if profile_ is not None else None


@st.cache_resource(max_entries=32, show_spinner=False)
def _overview(database_url: str, analysis_id: str, updated_at: datetime) -> tuple[pd.DataFrame, dict | None]:
    from core.storage import overview_frames

    loaded = overview_frames.load(get_database(database_url), analysis_id)
    if loaded is None:  # not (or no longer) completed: the whole frame answers
        return _enriched(database_url, analysis_id, updated_at)
    return loaded


def overview(db: Database, state: AnalysisState) -> tuple[pd.DataFrame, dict | None]:
    """The analysis's Overview frame (core.analytics.overview_frame: what the Overview charts and KPI cards read,
    prepared when it completed) and its profile snapshot; cached, each caller gets its own copy to change."""
    frame, profile_ = _overview(db.url, state.analysis_id, state.updated_at)
    return frame.copy(deep=False), dict(profile_) if profile_ is not None else None


@st.cache_data(max_entries=32, show_spinner=False)
def _summary(database_url: str, analysis_id: str, updated_at: datetime) -> dict:
    from core.analytics.aggregates import profile_summary

    frame, profile_ = _overview(database_url, analysis_id, updated_at)
    return profile_summary(frame.copy(deep=False), profile_)


def summary(db: Database, state: AnalysisState) -> dict:
    """core.analytics.aggregates.profile_summary of the whole (unfiltered) analysis, cached."""
    return _summary(db.url, state.analysis_id, state.updated_at)


@st.cache_resource(max_entries=64, show_spinner=False)
def _topics(database_url: str, analysis_id: str, updated_at: datetime) -> StoredTopics:
    return stored_topics(get_database(database_url), analysis_id)


def topics(analysis_id: str, db: Database | None = None) -> StoredTopics:
    """The analysis's topics (core.storage.topics: stored when it completed, else computed now and stored), cached
    per analysis and update. Loaded only where topics are shown or filtered on, so the first chart never waits."""
    db = db or get_database()
    state = store.get_state(db, analysis_id)
    if state is None:
        return StoredTopics((), {})
    return _topics(db.url, analysis_id, state.updated_at)
