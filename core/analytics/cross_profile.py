"""Analytics across every completed analysis ("All profiles"), computed over the columnar copies of the reels.

Each number uses core.analytics.metrics' definition (effective plays, interactions, engagement rate by followers, hidden-likes
share); unknown values are left out of medians, means and percentiles, as everywhere else in ReelScope. The rows
come from core.storage.columnar, which rebuilds any missing or stale file from the store first, so the figures always
match the store.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from core.analytics import metrics
from core.storage import columnar
from core.storage.engine import Database

OVERVIEW_COLUMNS = ("analysis_id", "username", "created_at", "is_demo", "data_source", "followers", "reels", "median_plays",
                    "mean_plays", "p90_plays", "median_engagement_rate", "hidden_likes_share")
_NEEDED = ("likes", "comments", "plays", "views")
_COUNT_DTYPE = {pa.int64(): pd.Int64Dtype()}.get


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def library_overview(db: Database, analysis_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per completed analysis (oldest first): reels, median / mean / 90th-percentile plays (effective
    plays), median engagement rate (percent of followers) and the share of reels with hidden likes (percent).

    Plays statistics skip reels whose plays are unknown, engagement statistics skip reels with hidden counts or a
    profile without a follower count; a statistic with no known value is NaN."""
    analyses = columnar.completed_analyses(db, analysis_ids)
    tables = columnar.read_many(db, analyses, _NEEDED)
    sizes = np.fromiter((t.num_rows for t in tables), dtype=np.int64, count=len(tables))
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    if tables:
        reels = pa.concat_tables([t.replace_schema_metadata(None) for t in tables]).to_pandas(types_mapper=_COUNT_DTYPE)
    else:
        reels = pd.DataFrame({name: pd.array([], dtype="Int64") for name in _NEEDED})
    plays = metrics.effective_plays(reels["plays"], reels["views"]).to_numpy(dtype="float64", na_value=np.nan)
    engaged = metrics.interactions(reels["likes"], reels["comments"])

    n = len(analyses)
    median_plays, mean_plays, p90_plays, median_rate, hidden = (np.full(n, np.nan) for _ in range(5))
    for i, analysis in enumerate(analyses):
        start, end = bounds[i], bounds[i + 1]
        if end == start:
            continue
        known = _finite(plays[start:end])
        if known.size:
            median_plays[i], p90_plays[i] = np.percentile(known, [50, 90])
            mean_plays[i] = known.mean()
        rate = metrics.engagement_rate(engaged.iloc[start:end], analysis.followers)
        known_rate = _finite(rate.to_numpy(dtype="float64", na_value=np.nan))
        if known_rate.size:
            median_rate[i] = np.median(known_rate)
        share = metrics.hidden_likes_share(reels["likes"].iloc[start:end])
        hidden[i] = np.nan if share is None else share

    return pd.DataFrame({
        "analysis_id": [a.analysis_id for a in analyses],
        "username": [a.username for a in analyses],
        "created_at": pd.to_datetime([a.created_at for a in analyses], utc=True),
        "is_demo": [a.is_demo for a in analyses],
        "data_source": [a.data_source for a in analyses],
        "followers": pd.array([a.followers for a in analyses], dtype="Int64"),
        "reels": sizes,
        "median_plays": median_plays, "mean_plays": mean_plays, "p90_plays": p90_plays,
        "median_engagement_rate": median_rate, "hidden_likes_share": hidden,
    }, columns=list(OVERVIEW_COLUMNS))
