"""Every metric ReelScope computes, defined once.

Each metric is one function; its docstring is the methodology text shown in the app's "Methodology" expander
and in the export data dictionary, so docstrings are written for analysts: formula, unit, how unknowns are handled.

Conventions shared by every metric:
- Counts Instagram hides or omits are unknown (<NA>), never 0. An unknown input makes the metric unknown for that
  reel, and unknown values are left out of every median and mean (they are counted separately instead).
- Division by zero, or by a missing follower count, gives <NA>, never infinity or an error.
- All functions are vectorised: Series in, Series out; no row loops.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.analytics.topics import TOPIC_DESCRIPTION, topic_performance
from core.domain.reel_fields import REEL_FIELDS

UNKNOWN = "unknown"

PLAYS_TIERS: tuple[str, ...] = ("viral", "strong", "typical", "weak", UNKNOWN)
ENGAGEMENT_TIERS: tuple[str, ...] = ("top 10%", "upper half", "lower half", "bottom 25%", UNKNOWN)
BENCHMARK_TIERS: tuple[str, ...] = ("above benchmark", "within benchmark", "below benchmark", UNKNOWN)
ACCOUNT_SIZES: tuple[str, ...] = ("nano", "micro", "mid", "mega", UNKNOWN)

VIRAL_MULTIPLE = 3.0
STRONG_MULTIPLE = 1.5
WEAK_MULTIPLE = 0.5

# Typical engagement-rate range (percent of followers, (likes + comments) / followers) by account size.
# Rounded from public influencer-marketing benchmark reports; see benchmark_tier's docstring for the sources.
ACCOUNT_SIZE_BOUNDS: tuple[tuple[str, int, int | None], ...] = (
    ("nano", 0, 10_000),
    ("micro", 10_000, 100_000),
    ("mid", 100_000, 1_000_000),
    ("mega", 1_000_000, None),
)
BENCHMARK_BANDS: dict[str, tuple[float, float]] = {
    "nano": (2.0, 5.0),
    "micro": (1.0, 3.0),
    "mid": (0.7, 2.0),
    "mega": (0.4, 1.5),
}

TIER_RULES: dict[str, str] = {
    "viral": f"plays ≥ {VIRAL_MULTIPLE:g}× the creator's median plays",
    "strong": f"plays ≥ {STRONG_MULTIPLE:g}× and < {VIRAL_MULTIPLE:g}× the creator's median plays",
    "typical": f"plays ≥ {WEAK_MULTIPLE:g}× and < {STRONG_MULTIPLE:g}× the creator's median plays",
    "weak": f"plays < {WEAK_MULTIPLE:g}× the creator's median plays",
    "top 10%": "engagement in the creator's top 10% of reels (percentile ≥ 90)",
    "upper half": "engagement at or above the creator's median, below the top 10% (percentile 50-90)",
    "lower half": "engagement below the creator's median, above the bottom quarter (percentile 25-50)",
    "bottom 25%": "engagement in the creator's bottom quarter of reels (percentile < 25)",
    "above benchmark": "engagement rate above the typical range for accounts of this size",
    "within benchmark": "engagement rate within the typical range for accounts of this size",
    "below benchmark": "engagement rate below the typical range for accounts of this size",
    UNKNOWN: "the counts this tier needs are hidden or missing",
}


# --------------------------------------------------------------------------------------------------------------
# helpers


def _float(series: pd.Series) -> np.ndarray:
    """A float64 numpy copy with NaN for unknown values."""
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _masked(values: np.ndarray, index: pd.Index, name: str) -> pd.Series:
    """Wrap float64 values as a nullable Float64 Series; NaN and ±inf become <NA>."""
    finite = np.isfinite(values)
    array = pd.arrays.FloatingArray(np.where(finite, values, np.nan), ~finite)  # what pd.array(…, "Float64") builds
    return pd.Series(array, index=index, name=name)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing their average rank."""
    return pd.Series(values).rank(method="average").to_numpy()


def _followers_or_nan(followers: int | None) -> float:
    if followers is None or pd.isna(followers) or followers <= 0:
        return np.nan
    return float(followers)


def _ratio(numerator: np.ndarray, denominator: np.ndarray | float, scale: float = 1.0) -> np.ndarray:
    denominator = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = numerator * scale / denominator
    return np.where(denominator > 0, result, np.nan)


_CATEGORY_TYPES: dict[tuple[str, ...], pd.CategoricalDtype] = {}


def _categorical(codes: np.ndarray, labels: tuple[str, ...], index: pd.Index, name: str) -> pd.Series:
    dtype = _CATEGORY_TYPES.get(labels)
    if dtype is None:
        dtype = _CATEGORY_TYPES[labels] = pd.CategoricalDtype(pd.Index(labels, dtype=object), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index, name=name)


# --------------------------------------------------------------------------------------------------------------
# per-reel metrics


def effective_plays(plays: pd.Series, views: pd.Series) -> pd.Series:
    """Plays of a reel: the play count Instagram shows on the reel, falling back to the older view count
    when Instagram gives no play count (the same rule as the `reel_views` column of the `instagram_data` view).
    Unit: plays. Unknown when both counts are hidden or missing. Every metric below that mentions "plays" uses
    this number."""
    return plays.fillna(views).astype("Int64").rename("effective_plays")


def interactions(likes: pd.Series, comments: pd.Series) -> pd.Series:
    """Interactions on a reel: likes + comments. Unit: count. Unknown when either count is unknown: a reel whose
    likes are hidden is NOT scored on comments alone, because that would understate its engagement next to
    reels that show both counts. Such reels are left out of engagement medians and counted as "likes hidden"."""
    return (likes + comments).astype("Int64").rename("interactions")


def engagement_rate(interactions: pd.Series, followers: int | None) -> pd.Series:
    """Engagement rate by followers: (likes + comments) / followers × 100. Unit: percent of followers.
    Followers is the profile's follower count when the analysis ran, the same for every reel of a profile.
    Unknown when likes or comments are hidden, or when the follower count is missing or zero. The profile-level
    engagement rate is the median over the analysed reels (common practice among analytics services), which a
    single viral reel cannot skew."""
    values = _ratio(_float(interactions), _followers_or_nan(followers), 100.0)
    return _masked(values, interactions.index, "engagement_rate")


def engagement_per_play(interactions: pd.Series, plays: pd.Series) -> pd.Series:
    """Engagement by plays: (likes + comments) / plays × 100. Unit: percent of plays. Measures how many viewers
    interacted, independent of follower count, so it compares creators of different sizes fairly. Unknown when
    likes, comments or plays are unknown, or when plays are 0."""
    values = _ratio(_float(interactions), _float(plays), 100.0)
    return _masked(values, interactions.index, "engagement_per_play")


def plays_per_follower(plays: pd.Series, followers: int | None) -> pd.Series:
    """Plays per follower: plays / followers. Unit: plays per follower (1.0 = as many plays as followers).
    Above 1 means the reel reached well beyond the creator's audience. Unknown when plays are unknown or the
    follower count is missing or zero."""
    values = _ratio(_float(plays), _followers_or_nan(followers))
    return _masked(values, plays.index, "plays_per_follower")


def likes_per_1k_plays(likes: pd.Series, plays: pd.Series) -> pd.Series:
    """Likes per 1,000 plays: likes / plays × 1,000. Unit: likes per 1,000 plays. Unknown when likes are hidden,
    plays are unknown, or plays are 0."""
    values = _ratio(_float(likes), _float(plays), 1000.0)
    return _masked(values, likes.index, "likes_per_1k_plays")


def comments_per_1k_plays(comments: pd.Series, plays: pd.Series) -> pd.Series:
    """Comments per 1,000 plays: comments / plays × 1,000. Unit: comments per 1,000 plays. Unknown when comments
    are hidden, plays are unknown, or plays are 0."""
    values = _ratio(_float(comments), _float(plays), 1000.0)
    return _masked(values, comments.index, "comments_per_1k_plays")


def age_days(posted_at: pd.Series, now: datetime) -> pd.Series:
    """Age: days from posting to the moment the analysis data was taken (fractional, e.g. 1.5 = 36 hours).
    Unit: days. Posting times in the future (clock differences) count as age 0. Unknown when the posting time
    is unknown."""
    now_ts = pd.Timestamp(now)
    now_ts = now_ts.tz_localize("UTC") if now_ts.tzinfo is None else now_ts.tz_convert("UTC")
    seconds = (now_ts - posted_at).dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)
    return _masked(np.maximum(seconds, 0.0) / 86_400.0, posted_at.index, "age_days")


def plays_per_day(plays: pd.Series, age_days: pd.Series) -> pd.Series:
    """Plays per day since posting: plays / max(age in days, 1). Unit: plays per day. Ages under one day count
    as one full day, so a reel posted today shows its plays so far instead of an inflated extrapolation.
    This is a lifetime average: most reels collect most plays in their first days, so older reels score lower.
    Unknown when plays or the posting time are unknown."""
    values = _float(plays) / np.maximum(_float(age_days), 1.0)
    return _masked(values, plays.index, "plays_per_day")


def plays_vs_median(plays: pd.Series) -> pd.Series:
    """Plays relative to the creator: plays / the median plays of this creator's analysed reels. Unit: multiple
    (×); 1.0 = a typical reel for this creator, 3.0 = three times the usual. The median uses only reels whose plays
    are known. Unknown when the reel's plays are unknown or the median is 0."""
    values = _float(plays)
    median = np.nanmedian(values) if np.isfinite(values).any() else np.nan
    return _masked(_ratio(values, median), plays.index, "plays_vs_median")


def plays_tier(plays: pd.Series) -> pd.Series:
    """Plays tier, relative to the creator's own median plays (median over reels whose plays are known):
    viral = plays ≥ 3× median; strong = ≥ 1.5× and < 3×; typical = ≥ 0.5× and < 1.5×; weak = < 0.5×;
    unknown = plays hidden or missing. A reel exactly on a boundary gets the higher tier. If the median itself is 0,
    reels with 0 plays are typical and any reel with plays is viral. This tier says how a reel did for this creator,
    not against other accounts (see the benchmark tier for that)."""
    values = _float(plays)
    known = np.isfinite(values)
    median = np.median(values[known]) if known.any() else np.nan
    with np.errstate(invalid="ignore"):
        codes = np.select(
            [~known, values >= VIRAL_MULTIPLE * median, values >= STRONG_MULTIPLE * median,
             values >= WEAK_MULTIPLE * median],
            [4, 0, 1, 2], default=3)
    if known.any() and median == 0:
        codes = np.where(known, np.where(values > 0, 0, 2), 4)
    return _categorical(codes, PLAYS_TIERS, plays.index, "plays_tier")


def engagement_tier(interactions: pd.Series) -> pd.Series:
    """Engagement quantile tier, relative to the creator's own reels. Each reel's engagement percentile is its
    mid-rank among reels with known likes and comments: (rank − 0.5) / count × 100, where tied reels share their
    average rank (so ties always land in the same tier, and a single reel sits at the 50th percentile).
    top 10% = percentile ≥ 90; upper half = 50 to < 90; lower half = 25 to < 50; bottom 25% = < 25;
    unknown = likes or comments hidden. Reels are ranked by likes + comments, which orders a creator's reels exactly
    as engagement rate does (one follower count for all of them) and still works when the follower count is
    unknown."""
    values = _float(interactions)
    known = np.isfinite(values)
    percentile = np.full(len(values), np.nan)
    if known.any():
        percentile[known] = (_average_ranks(values[known]) - 0.5) / known.sum() * 100.0
    with np.errstate(invalid="ignore"):
        codes = np.select([~known, percentile >= 90, percentile >= 50, percentile >= 25], [4, 0, 1, 2], default=3)
    return _categorical(codes, ENGAGEMENT_TIERS, interactions.index, "engagement_tier")


def account_size(followers: int | None) -> str:
    """Account size class by follower count: nano < 10,000; micro 10,000 to < 100,000; mid 100,000 to
    < 1,000,000; mega ≥ 1,000,000 (the usual influencer-marketing size classes, with macro and mega merged).
    unknown when the follower count is missing."""
    if followers is None or pd.isna(followers) or followers < 0:
        return UNKNOWN
    for name, low, high in ACCOUNT_SIZE_BOUNDS:
        if followers >= low and (high is None or followers < high):
            return name
    return UNKNOWN


def benchmark_tier(engagement_rate: pd.Series, followers: int | None) -> pd.Series:
    """Benchmark tier: the reel's engagement rate (likes + comments as a percent of followers) against the typical
    range for accounts of the same size. Typical ranges: nano (< 10k followers) 2-5 %; micro (10k-100k)
    1-3 %; mid (100k-1M) 0.7-2 %; mega (≥ 1M) 0.4-1.5 %. above benchmark = above the range's top;
    within benchmark = inside the range (ends included); below benchmark = under its bottom; unknown = engagement
    rate unknown (hidden likes, or missing or zero follower count).
    Sources and caveats: the ranges are rounded from public influencer-marketing benchmark reports by analytics
    vendors (for example HypeAuditor's yearly "State of Instagram Influencer Marketing" reports, the Later × Fohr
    influencer marketing report, Influencer Marketing Hub's benchmark report), which all find engagement rate
    falling as follower count grows. They are approximate: the reports differ in sample, year and formula
    (some add saves and shares) and mostly measure all post types, while reels often engage above photos.
    Use this tier for orientation only; the creator-relative tiers are more reliable."""
    size = account_size(followers)
    values = _float(engagement_rate)
    if size not in BENCHMARK_BANDS:
        codes = np.full(len(values), 3)
    else:
        low, high = BENCHMARK_BANDS[size]
        with np.errstate(invalid="ignore"):
            codes = np.select([~np.isfinite(values), values > high, values >= low], [3, 0, 1], default=2)
    return _categorical(codes, BENCHMARK_TIERS, engagement_rate.index, "benchmark_tier")


# --------------------------------------------------------------------------------------------------------------
# profile-level metrics


def reels_per_week(posted_at: pd.Series, is_pinned: pd.Series) -> float | None:
    """Posting frequency: reels per week = (number of reels − 1) / (days between the first and last reel / 7),
    i.e. 7 divided by the average gap between consecutive reels. Pinned reels older than the oldest unpinned reel
    are left out, because Instagram serves them first regardless of age and they would stretch the span.
    Unit: reels per week. Unknown with fewer than two dated reels or when they were all posted at the same moment."""
    pinned = is_pinned.to_numpy(dtype=bool)
    dated = posted_at.notna().to_numpy()
    moments = posted_at.array.asi8 if len(posted_at) else np.empty(0, dtype=np.int64)
    unpinned = dated & ~pinned
    keep = dated
    if unpinned.any():
        keep = dated & (~pinned | (moments >= moments[unpinned].min()))
    dates = pd.DatetimeIndex(posted_at[keep])
    if len(dates) < 2:
        return None
    span_days = (dates.max() - dates.min()).total_seconds() / 86_400.0
    if span_days <= 0:
        return None
    return (len(dates) - 1) / (span_days / 7.0)


def hidden_likes_share(likes: pd.Series) -> float | None:
    """Share of reels with hidden likes: reels whose like count Instagram hides / reels analysed × 100.
    Unit: percent of reels. These reels are excluded from every like and engagement median and mean (never counted
    as 0 likes). Unknown when no reels were analysed."""
    if len(likes) == 0:
        return None
    return float(likes.isna().sum()) / len(likes) * 100.0


# --------------------------------------------------------------------------------------------------------------
# enrichment


PER_REEL_COLUMNS: tuple[str, ...] = (
    "effective_plays", "interactions", "engagement_rate", "engagement_per_play", "plays_per_follower",
    "likes_per_1k_plays", "comments_per_1k_plays", "age_days", "plays_per_day", "plays_vs_median",
    "plays_tier", "engagement_tier", "benchmark_tier",
)


def enrich_reels(reels: pd.DataFrame, followers: int | None, now: datetime) -> pd.DataFrame:
    """The reels frame plus one column per metric and tier in METRICS (vectorised, no row loops)."""
    plays = effective_plays(reels["plays"], reels["views"])
    engaged = interactions(reels["likes"], reels["comments"])
    rate = engagement_rate(engaged, followers)
    age = age_days(reels["posted_at"], now)
    added = {
        "effective_plays": plays,
        "interactions": engaged,
        "engagement_rate": rate,
        "engagement_per_play": engagement_per_play(engaged, plays),
        "plays_per_follower": plays_per_follower(plays, followers),
        "likes_per_1k_plays": likes_per_1k_plays(reels["likes"], plays),
        "comments_per_1k_plays": comments_per_1k_plays(reels["comments"], plays),
        "age_days": age,
        "plays_per_day": plays_per_day(plays, age),
        "plays_vs_median": plays_vs_median(plays),
        "plays_tier": plays_tier(plays),
        "engagement_tier": engagement_tier(engaged),
        "benchmark_tier": benchmark_tier(rate, followers),
    }
    if reels.columns.is_unique and not reels.columns.isin(list(added)).any():
        # one concat instead of 13 column insertions (each rebuilt the column index)
        out = pd.concat([reels, pd.DataFrame(added, index=reels.index, copy=False)], axis=1)
        return out.__finalize__(reels)
    out = reels.copy(deep=False)  # re-enriching: replace the columns in place, keeping their positions
    for name, column in added.items():
        out[name] = column
    return out




def metrics_time(finished_at: datetime | None, updated_at: datetime | None) -> datetime | None:
    """The moment an analysis's ages and per-day rates are measured at: when it finished (else its last update),
    so the dashboard, the API and the exports give one analysis the same numbers."""
    return finished_at or updated_at


def enrich_analysis(reels: pd.DataFrame, profile: dict | None, finished_at: datetime | None,
                    updated_at: datetime) -> pd.DataFrame:
    """``enrich_reels`` of one analysis: its profile's follower count, measured at its ``metrics_time``."""
    return enrich_reels(reels, (profile or {}).get("followers"), metrics_time(finished_at, updated_at))

# --------------------------------------------------------------------------------------------------------------
# registry, data dictionary, methodology


class Metric(NamedTuple):
    label: str
    unit: str
    description: str


def _doc(function: Callable) -> str:
    return " ".join(inspect.getdoc(function).split())


METRICS: dict[str, Metric] = {
    "effective_plays": Metric("Plays", "plays", _doc(effective_plays)),
    "interactions": Metric("Likes + comments", "count", _doc(interactions)),
    "engagement_rate": Metric("Engagement rate", "% of followers", _doc(engagement_rate)),
    "engagement_per_play": Metric("Engagement per play", "% of plays", _doc(engagement_per_play)),
    "plays_per_follower": Metric("Plays per follower", "plays per follower", _doc(plays_per_follower)),
    "likes_per_1k_plays": Metric("Likes per 1,000 plays", "likes per 1,000 plays", _doc(likes_per_1k_plays)),
    "comments_per_1k_plays": Metric("Comments per 1,000 plays", "comments per 1,000 plays",
                                    _doc(comments_per_1k_plays)),
    "age_days": Metric("Age", "days", _doc(age_days)),
    "plays_per_day": Metric("Plays per day", "plays per day", _doc(plays_per_day)),
    "plays_vs_median": Metric("Plays vs creator median", "× median", _doc(plays_vs_median)),
    "plays_tier": Metric("Plays tier (relative)", "label", _doc(plays_tier)),
    "engagement_tier": Metric("Engagement tier (quantile)", "label", _doc(engagement_tier)),
    "benchmark_tier": Metric("Benchmark tier (absolute)", "label", _doc(benchmark_tier)),
}

# Per-reel columns joined from the analysis's stored topics (core.storage.topics), not computed by enrich_reels.
TOPIC_COLUMNS: dict[str, Metric] = {"topic": Metric("Topic", "label", TOPIC_DESCRIPTION)}
TOPIC_TABLES: dict[str, Metric] = {"topic_performance": Metric("Per-topic performance", "table",
                                                               _doc(topic_performance))}

PROFILE_METRICS: dict[str, Metric] = {
    "reels_per_week": Metric("Posting frequency", "reels per week", _doc(reels_per_week)),
    "hidden_likes_share": Metric("Reels with hidden likes", "% of reels", _doc(hidden_likes_share)),
    "account_size": Metric("Account size", "label", _doc(account_size)),
}

# Numeric per-reel metrics summarised by median and mean (tiers are labels, effective_plays is "plays").
SUMMARY_METRICS: tuple[str, ...] = (
    "effective_plays", "interactions", "engagement_rate", "engagement_per_play", "plays_per_follower",
    "likes_per_1k_plays", "comments_per_1k_plays", "plays_per_day",
)

# The stored reel fields (core.domain.reel_fields), in the same shape as the metrics, for tables and the dictionary.
RAW_FIELDS: dict[str, Metric] = {f.name: Metric(f.label, f.unit, f.description) for f in REEL_FIELDS if f.exported}


def data_dictionary() -> dict[str, dict]:
    """Every raw field and computed column: {name: {"label", "unit", "description"}}."""
    entries = {**RAW_FIELDS, **METRICS, **TOPIC_COLUMNS}
    return {name: dict(metric._asdict()) for name, metric in entries.items()}


def methodology_markdown() -> str:
    """Markdown for the app's Methodology expander, generated from the metric docstrings."""
    lines = ["### How the numbers are computed", "",
             "Hidden or missing counts are unknown, never zero: they are left out of every median and mean and "
             "counted separately. Division by zero or by a missing follower count gives no value.", ""]
    sections = (("Per-reel metrics", {k: v for k, v in METRICS.items() if v.unit != "label"}),
                ("Tiers", {k: v for k, v in METRICS.items() if v.unit == "label"}),
                ("Topics", {**TOPIC_COLUMNS, **TOPIC_TABLES}),
                ("Profile metrics", PROFILE_METRICS))
    for title, entries in sections:
        lines += [f"#### {title}", ""]
        for name, metric in entries.items():
            lines += [f"- **{metric.label}** (`{name}`, {metric.unit}): {metric.description}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
