"""Aggregations over an enriched reels frame (see core.analytics.metrics.enrich_reels).

Pure functions: DataFrame in, DataFrame or dict out. Unknown counts stay unknown: every median and mean skips them
and they are counted separately. Nothing here reads the database or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from core.analytics import metrics
from core.analytics.metrics import ENGAGEMENT_TIERS, PLAYS_TIERS, SUMMARY_METRICS

TOP_PERFORMER_METRICS: dict[str, str] = {
    "plays": "effective_plays",
    "engagement_rate": "engagement_rate",
    "likes": "likes",
    "comments": "comments",
    "plays_per_day": "plays_per_day",
}
WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Metrics that need plays fall back in this order (see ranking_metric).
RANKING_FALLBACK: tuple[str, ...] = ("plays", "engagement_rate", "likes")


def ranking_metric(enriched: pd.DataFrame) -> str:
    """The metric reels are ranked by unless the user picks one: the first of plays, likes-based engagement
    rate, likes that any reel has a value for. Plays already fall back per reel from the play count to the
    older view count (metrics.effective_plays), so the order is plays, then views, then likes-based
    engagement ((likes + comments) / followers), then likes alone when the follower count is unknown.
    Instagram withholds play and view counts from anonymous visitors, so an anonymous analysis ranks by
    engagement."""
    for metric in RANKING_FALLBACK:
        if enriched[TOP_PERFORMER_METRICS[metric]].notna().any():
            return metric
    return RANKING_FALLBACK[0]


def _float(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _none_if_nan(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _float_series(values: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    finite = np.isfinite(values)
    array = pd.arrays.FloatingArray(np.where(finite, values, np.nan), ~finite)  # what pd.array(…, "Float64") builds
    return pd.Series(array, index=index)


# --------------------------------------------------------------------------------------------------------------
# profile summary


def profile_summary(enriched: pd.DataFrame, profile: dict | None) -> dict:
    """KPIs of one analysed profile.

    Keys: username, followers, account_size, reels_analysed, median / mean / known ({metric: value or None};
    known = reels whose value is known), reels_per_week, first_posted, last_posted, hidden_likes,
    hidden_likes_share (percent), hidden_likes_text ("likes hidden on 3 of 56 reels"), hidden_comments,
    missing_plays, missing_plays_text, pinned, plays_tier_counts, engagement_tier_counts, benchmark_tier
    (the median engagement rate against the account-size benchmark).
    """
    profile = profile or {}
    followers = profile.get("followers")
    n = len(enriched)
    median, mean, known = {}, {}, {}
    for name in SUMMARY_METRICS:
        finite = _finite(enriched, name)
        known[name] = int(finite.size)
        median[name] = float(np.median(finite)) if finite.size else None
        mean[name] = float(finite.mean()) if finite.size else None
    hidden_likes = int(enriched["likes"].isna().sum())
    missing_plays = int(enriched["effective_plays"].isna().sum())
    posted = enriched["posted_at"].dropna()
    median_rate = pd.Series(pd.array([median["engagement_rate"]], dtype="Float64"))
    return {
        "username": profile.get("username"),
        "followers": followers,
        "account_size": metrics.account_size(followers),
        "reels_analysed": n,
        "median": median,
        "mean": mean,
        "known": known,
        "reels_per_week": metrics.reels_per_week(enriched["posted_at"], enriched["is_pinned"]),
        "first_posted": posted.min() if len(posted) else None,
        "last_posted": posted.max() if len(posted) else None,
        "hidden_likes": hidden_likes,
        "hidden_likes_share": metrics.hidden_likes_share(enriched["likes"]),
        "hidden_likes_text": f"likes hidden on {hidden_likes:,} of {n:,} reels",
        "hidden_comments": int(enriched["comments"].isna().sum()),
        "missing_plays": missing_plays,
        "missing_plays_text": f"plays missing on {missing_plays:,} of {n:,} reels",
        "pinned": int(enriched["is_pinned"].sum()),
        "plays_tier_counts": _label_counts(enriched["plays_tier"], PLAYS_TIERS),
        "engagement_tier_counts": _label_counts(enriched["engagement_tier"], ENGAGEMENT_TIERS),
        "benchmark_tier": str(metrics.benchmark_tier(median_rate, followers).iloc[0]),
    }


def _finite(enriched: pd.DataFrame, name: str) -> np.ndarray:
    values = _float(enriched[name])
    return values[np.isfinite(values)]


def _median_or_none(enriched: pd.DataFrame, name: str) -> float | None:
    finite = _finite(enriched, name)
    return float(np.median(finite)) if finite.size else None


def _label_counts(tiers: pd.Series, labels: tuple[str, ...]) -> dict[str, int]:
    counts = np.bincount(tiers.cat.codes.to_numpy()[tiers.notna().to_numpy()], minlength=len(labels))
    return {label: int(counts[tiers.cat.categories.get_loc(label)]) for label in labels}


# --------------------------------------------------------------------------------------------------------------
# hashtags and mentions


def _tag_occurrences(enriched: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(reel position, tag code, unique tags in alphabetical order), each tag counted once per reel; the pairs
    come sorted by reel, then by tag."""
    lists = enriched[column].to_list()
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat)
    uniques = np.asarray(uniques, dtype=object)
    alphabetical = np.argsort(uniques.astype(str), kind="stable")
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[alphabetical] = np.arange(len(uniques))
    n_tags = max(len(uniques), 1)
    keys = np.repeat(np.arange(len(lists), dtype=np.int64), lengths) * n_tags + rank[codes]
    keys.sort(kind="stable")  # already ordered by reel: the adaptive sort only orders each reel's few tags
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys // n_tags, keys % n_tags, uniques[alphabetical]


def _with_without_medians(values: np.ndarray, reel: np.ndarray, group: np.ndarray,
                          n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: median of values over its reels, and over all other reels; unknown values skipped.

    Vectorised with one sort: a group's complement is the sorted known values minus the group's positions, so
    the j-th complement element sits at j + #{group positions p_i with p_i - i <= j}.
    """
    known = np.isfinite(values)
    n_known = int(known.sum())
    order = np.argsort(values[known])  # tied values are equal, so which tied reel ranks first changes no median
    sorted_values = values[known][order]
    rank = np.full(len(values), -1, dtype=np.int64)
    rank[np.flatnonzero(known)[order]] = np.arange(n_known)
    r = rank[reel]
    keep = r >= 0
    keys = group[keep] * (n_known + 1) + r[keep]
    keys.sort()
    g, r = keys // (n_known + 1), keys % (n_known + 1)
    counts = np.bincount(g, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)

    def pick(index: np.ndarray, valid: np.ndarray, source: np.ndarray) -> np.ndarray:
        if source.size == 0:
            return np.full(len(index), np.nan)
        return np.where(valid, source[np.clip(index, 0, source.size - 1)], np.nan)

    has = counts > 0
    if len(r):
        lower_with = r[np.clip(starts + (counts - 1) // 2, 0, len(r) - 1)]
        upper_with = r[np.clip(starts + counts // 2, 0, len(r) - 1)]
        with_median = np.where(has, (sorted_values[lower_with] + sorted_values[upper_with]) / 2, np.nan)
    else:
        with_median = np.full(n_groups, np.nan)

    within = np.arange(len(g)) - starts[g]
    t = r - within + g * (n_known + 1)
    rest = n_known - counts
    offsets = np.arange(n_groups, dtype=np.int64) * (n_known + 1)

    def complement_position(j: np.ndarray) -> np.ndarray:
        return j + np.searchsorted(t, j + offsets, side="right") - starts

    lower = complement_position((rest - 1) // 2)
    upper = complement_position(rest // 2)
    without_median = (pick(lower, rest > 0, sorted_values) + pick(upper, rest > 0, sorted_values)) / 2
    return with_median, without_median


def hashtag_stats(enriched: pd.DataFrame, column: str = "hashtags", min_support: int = 3) -> pd.DataFrame:
    """One row per tag (hashtags, or mentions with column="mentions"), most used first.

    Columns: tag; reels (reels using it, each reel counted once even if the tag repeats); share (% of reels
    analysed); median_plays_with / median_plays_without (reels with / without the tag, unknown plays skipped);
    plays_lift = median_plays_with / median_plays_without; median_engagement_rate_with / _without;
    engagement_lift = their ratio; supported (reels >= min_support). Both lifts are <NA> below min_support,
    because a median over one or two reels says nothing about the tag.
    """
    reel, code, uniques = _tag_occurrences(enriched, column)
    n_reels, n_tags = len(enriched), len(uniques)
    support = np.bincount(code, minlength=n_tags)
    plays_with, plays_without = _with_without_medians(_float(enriched["effective_plays"]), reel, code, n_tags)
    rate_with, rate_without = _with_without_medians(_float(enriched["engagement_rate"]), reel, code, n_tags)
    supported = support >= min_support
    with np.errstate(divide="ignore", invalid="ignore"):
        plays_lift = np.where(supported & (plays_without > 0), plays_with / plays_without, np.nan)
        rate_lift = np.where(supported & (rate_without > 0), rate_with / rate_without, np.nan)
    order = np.lexsort((np.arange(n_tags), -support))  # most used first, then alphabetical
    share = support * 100.0 / n_reels if n_reels else np.full(n_tags, np.nan)
    return pd.DataFrame({
        "tag": pd.Series(uniques[order], dtype=object),
        "reels": support[order].astype(np.int64),
        "share": _float_series(share[order]),
        "median_plays_with": _float_series(plays_with[order]),
        "median_plays_without": _float_series(plays_without[order]),
        "plays_lift": _float_series(plays_lift[order]),
        "median_engagement_rate_with": _float_series(rate_with[order]),
        "median_engagement_rate_without": _float_series(rate_without[order]),
        "engagement_lift": _float_series(rate_lift[order]),
        "supported": supported[order],
    })


def tag_pairs(enriched: pd.DataFrame, column: str = "hashtags", top: int = 10) -> pd.DataFrame:
    """The tags most often used together on one reel: columns tag_a, tag_b (alphabetical within a pair), reels
    (reels using both), share (% of reels analysed); most frequent pairs first, at most `top` rows."""
    reel, code, uniques = _tag_occurrences(enriched, column)
    n_tags = len(uniques)
    # occurrences are sorted by reel, then alphabetically by tag: pairing each occurrence with the d-th next one of
    # the same reel yields every pair of a reel exactly once, with tag_a < tag_b
    parts = [np.empty(0, dtype=np.int64)]
    for d in range(1, len(code)):
        same = reel[:-d] == reel[d:]
        if not same.any():
            break
        parts.append(code[:-d][same] * n_tags + code[d:][same])
    keys, counts = np.unique(np.concatenate(parts), return_counts=True)
    order = np.lexsort((keys, -counts))[:top]
    keys, counts = keys[order], counts[order].astype(np.int64)
    return pd.DataFrame({
        "tag_a": pd.Series(uniques[keys // max(n_tags, 1)], dtype=object),
        "tag_b": pd.Series(uniques[keys % max(n_tags, 1)], dtype=object),
        "reels": counts,
        "share": _float_series(counts * 100.0 / len(enriched) if len(enriched) else np.full(len(counts), np.nan)),
    })


# --------------------------------------------------------------------------------------------------------------
# top performers, trends, cadence, posting times


TOP_PERFORMER_COLUMNS: tuple[str, ...] = (
    "shortcode", "url", "thumbnail_url", "caption", "posted_at", "is_pinned", "likes", "comments",
    "effective_plays", "engagement_rate", "plays_per_day", "plays_tier",
)


def top_performers(enriched: pd.DataFrame, metric: str = "plays", n: int = 10) -> pd.DataFrame:
    """The n reels with the highest value of `metric` (plays, engagement_rate, likes, comments or plays_per_day),
    reels whose value is unknown left out. Columns: rank, value (the chosen metric), the reel's identity and
    counts, and is_pinned: pinned reels sit first on the profile although they may be old, so they are flagged
    rather than dropped. Ties keep the most recent reel first."""
    if metric not in TOP_PERFORMER_METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(TOP_PERFORMER_METRICS)}")
    column = TOP_PERFORMER_METRICS[metric]
    values = _float(enriched[column])
    known = np.flatnonzero(np.isfinite(values))
    if len(known) > n > 0:  # only reels tied with or above the n-th best can make it: skip sorting the rest
        threshold = np.partition(values[known], len(known) - n)[len(known) - n]
        known = known[values[known] >= threshold]
    posted = enriched["posted_at"].array.asi8[known].copy()
    posted[enriched["posted_at"].isna().to_numpy()[known]] = np.iinfo(np.int64).min + 1
    order = known[np.lexsort((-posted, -values[known]))][:n]
    top = _take(enriched, order, TOP_PERFORMER_COLUMNS)
    top.insert(0, "value", _float_series(values[order]))
    top.insert(0, "rank", np.arange(1, len(top) + 1))
    return top


TREND_COLUMNS: tuple[str, ...] = (
    "posted_at", "shortcode", "url", "caption", "is_pinned", "likes", "comments", "effective_plays",
    "engagement_rate", "engagement_per_play", "plays_tier",
)


def _take(frame: pd.DataFrame, positions: np.ndarray, columns: Sequence[str]) -> pd.DataFrame:
    """Rows at `positions` and only `columns`, with a fresh RangeIndex (cheaper than sorting the whole frame)."""
    taken = frame.iloc[positions, [frame.columns.get_loc(name) for name in columns]]
    return taken.reset_index(drop=True)


def _rolling_median(values: np.ndarray, window: int) -> np.ndarray:
    """Median of each value and the window - 1 before it, NaN skipped (NaN if the window has no value)."""
    if window < 1:
        raise ValueError("window must be at least 1 reel")
    return pd.Series(values, dtype="float64").rolling(window, min_periods=1).median().to_numpy()


def trend_frame(enriched: pd.DataFrame, window: int = 5) -> pd.DataFrame:
    """Reels in posting order with rolling medians over the last `window` reels (fewer at the start):
    plays_rolling_median, engagement_rate_rolling_median, engagement_per_play_rolling_median. Unknown values are
    skipped inside each window; reels without a posting time are left out."""
    posted = enriched["posted_at"]
    dated = np.flatnonzero(posted.notna().to_numpy())
    order = dated[np.argsort(posted.array.asi8[dated], kind="stable")]
    frame = _take(enriched, order, TREND_COLUMNS)
    rolling = {target: _float_series(_rolling_median(_float(enriched[source])[order], window), frame.index)
               for source, target in (("effective_plays", "plays_rolling_median"),
                                      ("engagement_rate", "engagement_rate_rolling_median"),
                                      ("engagement_per_play", "engagement_per_play_rolling_median"))}
    return pd.concat([frame, pd.DataFrame(rolling, index=frame.index, copy=False)], axis=1)  # one insertion


def _week_start(posted: pd.Series) -> pd.Series:
    day = posted.dt.floor("D")
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def cadence_frame(enriched: pd.DataFrame) -> pd.DataFrame:
    """Reels posted per calendar week (weeks start Monday 00:00 UTC), every week from the first to the last reel,
    including weeks with none. Columns: week_start, reels, median_plays (unknown plays skipped)."""
    posted = enriched["posted_at"].dropna()
    if posted.empty:
        return pd.DataFrame({"week_start": pd.Series(dtype="datetime64[ns, UTC]"),
                             "reels": pd.Series(dtype="int64"), "median_plays": pd.Series(dtype="Float64")})
    weeks = _week_start(posted)
    plays = pd.Series(_float(enriched.loc[posted.index, "effective_plays"]), index=posted.index)
    grouped = plays.groupby(weeks)
    all_weeks = pd.date_range(weeks.min(), weeks.max(), freq="7D")
    return pd.DataFrame({
        "week_start": all_weeks,
        "reels": grouped.size().reindex(all_weeks, fill_value=0).to_numpy(dtype=np.int64),
        "median_plays": _float_series(grouped.median().reindex(all_weeks).to_numpy(dtype="float64")),
    })


def posting_heatmap(enriched: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    """Weekday × hour grid of posting times in the IANA time zone `tz` (default UTC): 168 rows, weekday 0 = Monday,
    with weekday_name, hour (0-23), reels (reels posted in that hour), median_engagement_rate and median_plays
    (unknown values skipped; <NA> for cells without a known value). Raises ValueError for an unknown time zone."""
    try:
        local = enriched["posted_at"].dropna().dt.tz_convert(tz)
    except (KeyError, ValueError, TypeError) as error:  # zoneinfo's ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {tz!r}") from error
    cell = (local.dt.day_of_week * 24 + local.dt.hour).to_numpy(dtype=np.int64)
    index = local.index
    counts = np.bincount(cell, minlength=168)
    rate = pd.Series(_float(enriched.loc[index, "engagement_rate"])).groupby(cell).median()
    plays = pd.Series(_float(enriched.loc[index, "effective_plays"])).groupby(cell).median()
    cells = np.arange(168)
    return pd.DataFrame({
        "weekday": cells // 24,
        "weekday_name": [WEEKDAY_NAMES[day] for day in cells // 24],
        "hour": cells % 24,
        "reels": counts.astype(np.int64),
        "median_engagement_rate": _float_series(rate.reindex(cells).to_numpy(dtype="float64")),
        "median_plays": _float_series(plays.reindex(cells).to_numpy(dtype="float64")),
    })


MIN_GROUP_REELS = 5  # reels a weekday or an hour needs before its median can be ranked
BEST_LEAD = 0.10  # a best weekday/hour is named only when its median leads the runner-up by this share


def posting_totals(enriched: pd.DataFrame, by: str, tz: str = "UTC") -> pd.DataFrame:
    """Reels posted per weekday (``by="weekday"``, 0 = Monday) or per hour of day (``by="hour"``) in time zone ``tz``,
    every weekday or hour listed: columns ``by``, label, reels, median_engagement_rate, median_plays (unknown values
    skipped). These totals reach a useful sample long before the 168 cells of the weekday × hour grid do."""
    if by not in ("weekday", "hour"):
        raise ValueError(f"by must be 'weekday' or 'hour', not {by!r}")
    try:
        local = enriched["posted_at"].dropna().dt.tz_convert(tz)
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(f"unknown time zone {tz!r}") from error
    keys = (local.dt.day_of_week if by == "weekday" else local.dt.hour).to_numpy(dtype=np.int64)
    size = 7 if by == "weekday" else 24
    rate = pd.Series(_float(enriched.loc[local.index, "engagement_rate"])).groupby(keys).median()
    plays = pd.Series(_float(enriched.loc[local.index, "effective_plays"])).groupby(keys).median()
    slots = np.arange(size)
    return pd.DataFrame({
        by: slots,
        "label": [WEEKDAY_NAMES[d] for d in slots] if by == "weekday" else [f"{h:02d}:00" for h in slots],
        "reels": np.bincount(keys, minlength=size).astype(np.int64),
        "median_engagement_rate": _float_series(rate.reindex(slots).to_numpy(dtype="float64")),
        "median_plays": _float_series(plays.reindex(slots).to_numpy(dtype="float64")),
    })


@dataclass(frozen=True)
class BestSlot:
    """The weekday or hour whose median leads: its label, median, reels, and the runner-up it leads by ``lead``."""

    label: str
    value: float
    reels: int
    runner_up: str
    lead: float  # share above the runner-up's median, e.g. 0.25


def best_slot(totals: pd.DataFrame, value_column: str, min_reels: int = MIN_GROUP_REELS,
              lead: float = BEST_LEAD) -> BestSlot | None:
    """The best weekday or hour of ``posting_totals``, or None when naming one would mislead: fewer than two with at
    least ``min_reels`` reels and a known median, or the best leads the runner-up by less than ``lead``."""
    ranked = totals[(totals["reels"] >= min_reels) & totals[value_column].notna()]
    if len(ranked) < 2:
        return None
    ordered = ranked.sort_values(value_column, ascending=False, kind="stable")
    first, second = ordered.iloc[0], ordered.iloc[1]
    if second[value_column] <= 0 or first[value_column] < (1 + lead) * second[value_column]:
        return None
    return BestSlot(str(first["label"]), float(first[value_column]), int(first["reels"]), str(second["label"]),
                    float(first[value_column] / second[value_column] - 1))


# --------------------------------------------------------------------------------------------------------------
# comparison


COMPARE_COLUMNS: tuple[str, ...] = (
    "username", "followers", "account_size", "reels", "median_plays", "median_engagement_rate",
    "median_engagement_per_play", "median_plays_per_day", "median_plays_per_follower", "reels_per_week",
    "hidden_likes_share", "viral_share", "benchmark_tier",
)


def compare_profiles(profiles: Sequence[tuple[dict, pd.DataFrame]]) -> pd.DataFrame:
    """KPIs of several profiles side by side, one row per profile in the order given. viral_share is the % of
    reels with known plays that are in the viral plays tier; benchmark_tier rates the median engagement rate
    against the account-size benchmark. Medians skip unknown values."""
    rows = []
    for profile, enriched in profiles:
        # the profile_summary values this table shows, computed the same way without the rest of the summary
        profile = profile or {}
        followers = profile.get("followers")
        n = len(enriched)
        median_rate = _median_or_none(enriched, "engagement_rate")
        tiers = _label_counts(enriched["plays_tier"], PLAYS_TIERS)
        known_plays = n - tiers[metrics.UNKNOWN]
        rows.append({
            "username": profile.get("username"),
            "followers": followers,
            "account_size": metrics.account_size(followers),
            "reels": n,
            "median_plays": _median_or_none(enriched, "effective_plays"),
            "median_engagement_rate": median_rate,
            "median_engagement_per_play": _median_or_none(enriched, "engagement_per_play"),
            "median_plays_per_day": _median_or_none(enriched, "plays_per_day"),
            "median_plays_per_follower": _median_or_none(enriched, "plays_per_follower"),
            "reels_per_week": metrics.reels_per_week(enriched["posted_at"], enriched["is_pinned"]),
            "hidden_likes_share": metrics.hidden_likes_share(enriched["likes"]),
            "viral_share": tiers["viral"] * 100.0 / known_plays if known_plays else None,
            "benchmark_tier": str(metrics.benchmark_tier(pd.Series(pd.array([median_rate], dtype="Float64")),
                                                         followers).iloc[0]),
        })
    numeric = ("median_plays", "median_engagement_rate", "median_engagement_per_play", "median_plays_per_day",
               "median_plays_per_follower", "reels_per_week", "hidden_likes_share", "viral_share")
    columns = {}
    for name in COMPARE_COLUMNS:
        values = [row[name] for row in rows]
        if name in numeric:
            columns[name] = pd.array([np.nan if v is None else v for v in values], dtype="Float64")
        elif name == "followers":
            columns[name] = pd.array(values, dtype="Int64")
        elif name == "reels":
            columns[name] = np.asarray(values, dtype=np.int64)
        else:
            columns[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns)


def reel_growth(before: pd.DataFrame, after: pd.DataFrame, before_at, after_at) -> pd.DataFrame:
    """Plays growth of each reel present in two snapshots of one creator (matched on media id).

    ``plays_growth`` = plays in the later snapshot − plays in the earlier one; ``plays_growth_per_day``
    divides it by the days between the snapshots' times. A reel whose plays are unknown in either
    snapshot has unknown growth (<NA>); reels found in only one snapshot are left out.
    """
    columns = ["media_id", "shortcode", "url", "caption", "plays_before", "plays_after", "plays_growth",
               "plays_growth_per_day"]
    if before.empty or after.empty:
        return pd.DataFrame(columns=columns)
    left = pd.DataFrame({"media_id": before["media_id"].to_numpy(),
                         "plays_before": metrics.effective_plays(before["plays"], before["views"]).to_numpy()})
    right = pd.DataFrame({"media_id": after["media_id"].to_numpy(), "shortcode": after["shortcode"].to_numpy(),
                          "url": after["url"].to_numpy(), "caption": after["caption"].to_numpy(),
                          "plays_after": metrics.effective_plays(after["plays"], after["views"]).to_numpy()})
    joined = right.merge(left, on="media_id", how="inner")
    growth = pd.array(joined["plays_after"], dtype="Int64") - pd.array(joined["plays_before"], dtype="Int64")
    days = max((pd.Timestamp(after_at) - pd.Timestamp(before_at)).total_seconds() / 86400, 0.0)
    joined["plays_before"] = pd.array(joined["plays_before"], dtype="Int64")
    joined["plays_after"] = pd.array(joined["plays_after"], dtype="Int64")
    joined["plays_growth"] = growth
    per_day = pd.array(growth, dtype="Float64") / days if days > 0 else pd.array([pd.NA] * len(joined),
                                                                                   dtype="Float64")
    joined["plays_growth_per_day"] = per_day
    return joined[columns].sort_values("plays_growth", ascending=False, na_position="last").reset_index(drop=True)
