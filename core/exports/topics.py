"""The JSON export's ``analysis.topics``: per-topic numbers over exactly the reels the export holds (its filters
applied), so they equal a recomputation from the exported reels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from core.analytics.topics import topics_summary
from core.exports.rows import ReelBatches
from core.storage.engine import Database
from core.storage.topics import stored_topics

_FIELDS = ("topic", "effective_plays", "engagement_rate", "plays_per_day", "likes")


def exported_topics(db: Database, analysis_id: str, *, followers: int | None, metrics_at: datetime,
                    filters: Any = None) -> list[dict]:
    """core.analytics.topics.topics_summary of the exported reels: label, terms, hashtags, reels, share (% of the
    exported reels), plays_sample, median_plays, median_engagement_rate, median_likes, median_plays_per_day,
    plays_lift, supported."""
    columns: dict[str, list] = {name: [] for name in _FIELDS}
    for batch in ReelBatches(db, analysis_id, _FIELDS, followers=followers, metrics_at=metrics_at, filters=filters):
        for name in _FIELDS:
            columns[name].extend(batch[name])
    frame = pd.DataFrame({
        "topic": pd.Series(columns["topic"], dtype=object),
        **{name: pd.array(columns[name], dtype="Float64") for name in _FIELDS[1:]},
    })
    if frame.empty:
        return []
    return topics_summary(frame, stored_topics(db, analysis_id).topics)
