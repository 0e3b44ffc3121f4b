"""The Overview frame: the part of an enriched analysis (core.analytics.metrics.enrich_analysis) that the Results
page's first view reads, which is its Overview charts and KPI cards. It is prepared when the analysis completes
(core.storage.overview_frames), so opening Results reads these columns instead of computing every metric over every
reel; the whole enriched frame is loaded only for what needs it (filters, the other tabs, downloads)."""

from __future__ import annotations

import pandas as pd

from core.analytics.metrics import SUMMARY_METRICS

# The charts' hover and click read the reel's identity and counts; the KPI cards read SUMMARY_METRICS.
OVERVIEW_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys((
    "position", "shortcode", "url", "caption", "posted_at", "is_pinned", "effective_plays", "likes", "comments",
    "engagement_rate", "engagement_per_play", "plays_tier", "engagement_tier", "benchmark_tier", *SUMMARY_METRICS)))


def overview_frame(enriched: pd.DataFrame) -> pd.DataFrame:
    """The Overview columns of ``enriched``, in OVERVIEW_COLUMNS order (a column the frame lacks is left out)."""
    return enriched.loc[:, [name for name in OVERVIEW_COLUMNS if name in enriched.columns]]
