"""Reels and summaries of one analysis for the API: core loads, enriches, filters and aggregates; this module
only sorts, pages (keyset cursors) and turns pandas values into JSON values."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from core.analytics.aggregates import hashtag_stats, profile_summary, ranking_metric, top_performers
from core.analytics.filters import ReelFilters, apply_filters
from core.analytics.metrics import BENCHMARK_TIERS, ENGAGEMENT_TIERS, PLAYS_TIERS, enrich_analysis, metrics_time
from core.analytics.topics import Topic, topics_summary
from core.exports.fields import all_fields
from core.storage.analyses import AnalysisState
from core.storage.engine import Database
from core.storage.queries import load_profile, load_reels_frame
from core.storage.topics import with_topics

# API sort name → enriched column. Tiers sort by rank (best first in descending order).
SORT_COLUMNS: dict[str, str] = {
    "position": "position", "posted_at": "posted_at", "plays": "effective_plays", "likes": "likes",
    "comments": "comments", "views": "views", "duration": "duration", "interactions": "interactions",
    "engagement_rate": "engagement_rate", "engagement_per_play": "engagement_per_play",
    "plays_per_follower": "plays_per_follower", "likes_per_1k_plays": "likes_per_1k_plays",
    "comments_per_1k_plays": "comments_per_1k_plays", "plays_per_day": "plays_per_day",
    "plays_vs_median": "plays_vs_median", "age_days": "age_days", "plays_tier": "plays_tier",
    "engagement_tier": "engagement_tier", "benchmark_tier": "benchmark_tier",
}
_TIER_LABELS = {"plays_tier": PLAYS_TIERS, "engagement_tier": ENGAGEMENT_TIERS, "benchmark_tier": BENCHMARK_TIERS}
CURSOR_VERSION = 1


class BadCursor(ValueError):
    """A cursor that is not one of ours, or that belongs to another query (sort, order or filters)."""


@dataclass(frozen=True)
class ReelQuery:
    sort: str = "position"
    order: str = "asc"
    filters: ReelFilters = ReelFilters()

    def fingerprint(self) -> str:
        text = json.dumps([self.sort, self.order, self.filters.to_dict()], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ReelPage:
    reels: list[dict]
    next_cursor: str | None
    total: int


def reference_time(state: AnalysisState) -> datetime:
    """The moment ages are measured at: when the analysis finished (as the dashboard does), so pages agree."""
    return metrics_time(state.finished_at, state.updated_at)


def load_enriched(db: Database, state: AnalysisState) -> tuple[pd.DataFrame, dict | None]:
    reels = load_reels_frame(db, state.analysis_id)
    profile = load_profile(db, state.analysis_id)
    enriched = enrich_analysis(reels, profile, state.finished_at, state.updated_at)
    return with_topics(db, state.analysis_id, enriched), profile


# --- keyset pagination -------------------------------------------------------------------------------------

def _sort_values(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The sort column as float64 with NaN for unknown (datetimes as epoch seconds, tiers as rank)."""
    series = frame[column]
    if column in _TIER_LABELS:
        ranks = {label: float(len(_TIER_LABELS[column]) - i) for i, label in enumerate(_TIER_LABELS[column])}
        return np.array([ranks.get(str(v), np.nan) if isinstance(v, str) else np.nan for v in series], dtype=float)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return np.array([v.timestamp() if not pd.isna(v) else np.nan for v in series], dtype=float)
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _keys(frame: pd.DataFrame, query: ReelQuery) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unknown flag, directional value, position): sorting on these ascending gives the requested order,
    unknown values last whichever the order, ties broken by Instagram's order."""
    values = _sort_values(frame, SORT_COLUMNS[query.sort])
    unknown = np.isnan(values)
    directional = np.where(unknown, 0.0, -values if query.order == "desc" else values)
    return unknown.astype(np.int64), directional, frame["position"].to_numpy(dtype="int64")


def encode_cursor(query: ReelQuery, key: tuple[int, float, int]) -> str:
    payload = json.dumps({"v": CURSOR_VERSION, "q": query.fingerprint(), "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, query: ReelQuery) -> tuple[int, float, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        unknown, value, position = payload["k"]
        version, fingerprint = payload["v"], payload["q"]
        key = (int(unknown), float(value), int(position))
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as exc:
        raise BadCursor("The cursor is not valid; pass next_cursor from the previous page unchanged.") from exc
    if version != CURSOR_VERSION or fingerprint != query.fingerprint():
        raise BadCursor("The cursor belongs to another query: keep sort, order and filters the same while paging.")
    return key


def page_reels(enriched: pd.DataFrame, query: ReelQuery, limit: int, cursor: str | None) -> ReelPage:
    filtered = apply_filters(enriched, query.filters) if not query.filters.is_empty else enriched
    unknown, directional, position = _keys(filtered, query)
    order = np.lexsort((position, directional, unknown))
    if cursor:
        k_unknown, k_value, k_position = decode_cursor(cursor, query)
        after = ((unknown > k_unknown)
                 | ((unknown == k_unknown) & ((directional > k_value)
                                              | ((directional == k_value) & (position > k_position)))))
        order = order[after[order]]
    chosen = order[:limit]
    next_cursor = None
    if len(order) > limit:
        last = chosen[-1]
        next_cursor = encode_cursor(query, (int(unknown[last]), float(directional[last]), int(position[last])))
    return ReelPage(reels_as_json(filtered.iloc[chosen]), next_cursor, len(filtered))


# --- JSON values --------------------------------------------------------------------------------------------

def json_value(value: Any) -> Any:
    """A pandas/numpy value as JSON: unknown → None, datetimes → ISO 8601 UTC, numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.replace(tzinfo=UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def reels_as_json(frame: pd.DataFrame) -> list[dict]:
    """One dict per reel, keyed by the export field names (README: Command line), in the export's field order."""
    fields = [name for name in all_fields() if name in frame.columns]
    columns = {name: frame[name].astype(object).tolist() for name in fields}
    return [{name: json_value(columns[name][i]) for name in fields} for i in range(len(frame))]


def _tags(enriched: pd.DataFrame, column: str, top: int) -> list[dict]:
    stats = hashtag_stats(enriched, column=column).head(top)
    return [{k: json_value(v) for k, v in row.items()} for row in stats.to_dict(orient="records")]


def summary_json(state: AnalysisState, enriched: pd.DataFrame, profile: dict | None, top: int,
                 topics: Sequence[Topic] = ()) -> dict:
    kpis = {k: json_value(v) for k, v in profile_summary(enriched, profile).items()}
    ranked_by = ranking_metric(enriched) if not enriched.empty else "plays"
    best = top_performers(enriched, ranked_by, n=top)
    return {
        "analysis_id": state.analysis_id,
        "username": state.username,
        "status": state.status,
        # Not completed: the reels stored so far (a running analysis grows; a failed one kept what it stored).
        "partial": state.is_partial,
        "reels_stored": state.reels_stored,
        "access": state.access,
        "withheld_fields": list(state.withheld_fields) if state.withheld_fields is not None else None,
        "access_notice": state.access_notice,
        "reference_time": json_value(reference_time(state)),
        "profile": {k: json_value(v) for k, v in (profile or {}).items()} or None,
        "kpis": kpis,
        "tiers": {
            "plays_tier": kpis.get("plays_tier_counts"),
            "engagement_tier": kpis.get("engagement_tier_counts"),
            "benchmark_tier": kpis.get("benchmark_tier"),
        },
        "top_hashtags": _tags(enriched, "hashtags", top),
        "top_mentions": _tags(enriched, "mentions", top),
        "top_reels_ranked_by": ranked_by,
        "top_reels": [{k: json_value(v) for k, v in row.items()} for row in best.to_dict(orient="records")],
        "topics": topics_summary(enriched, topics) if "topic" in enriched.columns else [],
    }
