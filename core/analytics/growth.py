"""Growth of a profile across snapshots: follower and median-plays series, per-reel plays gained, new reels.

Pure functions over ``core.storage.snapshots.Snapshot`` lists and reels frames (``core.storage.queries``); nothing here reads the
database or the clock. Unknown counts stay unknown (<NA>) and are left out of medians, as everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.analytics import metrics
from core.storage.snapshots import Snapshot

GROWTH_COLUMNS = ["analysis_id", "snapshot_at", "followers", "followers_change", "followers_change_pct",
                  "median_plays", "median_engagement_rate", "reels", "new_reels"]
REEL_HISTORY_COLUMNS = ["media_id", "shortcode", "url", "caption", "posted_at", "snapshot_at", "plays", "plays_gained"]


def new_reels(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Reels of the later snapshot that the earlier one did not have (matched on media id), posted after the earlier
    snapshot's oldest unpinned reel, so that reels only reached because the later analysis fetched more (a larger
    "most recent N" cap) are not "new". Pinned reels are old but listed first, so they do not set that bound."""
    if before.empty:
        return after.copy()
    unseen = ~after["media_id"].isin(set(before["media_id"]))
    unpinned = before.loc[~before["is_pinned"].astype(bool), "posted_at"]
    oldest = (unpinned if len(unpinned) else before["posted_at"]).min()
    recent = after["posted_at"] > oldest if pd.notna(oldest) else pd.Series(True, index=after.index)
    return after[unseen & recent.fillna(False)].copy()


def _median(values: pd.Series) -> float | None:
    known = values.to_numpy(dtype="float64", na_value=np.nan)
    known = known[np.isfinite(known)]
    return float(np.median(known)) if known.size else None


def snapshot_kpis(snapshot: Snapshot) -> dict:
    """Followers, median plays (plays, else views: core.analytics.metrics.effective_plays) and median engagement rate."""
    reels = snapshot.reels
    followers = snapshot.profile.get("followers")
    plays = metrics.effective_plays(reels["plays"], reels["views"])
    rate = metrics.engagement_rate(metrics.interactions(reels["likes"], reels["comments"]), followers)
    return {"followers": followers, "median_plays": _median(plays), "median_engagement_rate": _median(rate),
            "reels": len(reels)}


def profile_growth(snapshots: Sequence[Snapshot]) -> pd.DataFrame:
    """One row per snapshot, oldest first (GROWTH_COLUMNS): followers and their change since the previous snapshot
    (count and percent), median plays, median engagement rate (percent of followers), reels, new reels."""
    rows = []
    previous: Snapshot | None = None
    for snapshot in snapshots:
        kpis = snapshot_kpis(snapshot)
        before = None if previous is None else previous.profile.get("followers")
        change = None if before is None or kpis["followers"] is None else kpis["followers"] - before
        rows.append({"analysis_id": snapshot.analysis_id, "snapshot_at": snapshot.taken_at, **kpis,
                     "followers_change": change,
                     "followers_change_pct": None if change is None or not before else 100.0 * change / before,
                     "new_reels": None if previous is None else len(new_reels(previous.reels, snapshot.reels))})
        previous = snapshot
    frame = pd.DataFrame(rows, columns=GROWTH_COLUMNS)
    for column in ("followers", "followers_change", "reels", "new_reels"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column in ("followers_change_pct", "median_plays", "median_engagement_rate"):
        frame[column] = pd.array(frame[column], dtype="Float64")
    return frame


def reel_plays_history(snapshots: Sequence[Snapshot]) -> pd.DataFrame:
    """Every reel in every snapshot (REEL_HISTORY_COLUMNS): its plays then, and the plays gained since the previous
    snapshot that had it (<NA> the first time it is seen, or when either count is unknown)."""
    frames = []
    for snapshot in snapshots:
        reels = snapshot.reels
        frames.append(pd.DataFrame({
            "media_id": reels["media_id"], "shortcode": reels["shortcode"], "url": reels["url"],
            "caption": reels["caption"], "posted_at": reels["posted_at"],
            "snapshot_at": pd.Series([snapshot.taken_at] * len(reels), index=reels.index, dtype="object"),
            "plays": metrics.effective_plays(reels["plays"], reels["views"])}))
    if not frames:
        return pd.DataFrame(columns=REEL_HISTORY_COLUMNS)
    history = pd.concat(frames, ignore_index=True)
    history["snapshot_at"] = pd.to_datetime(history["snapshot_at"], utc=True)
    history = history.sort_values(["media_id", "snapshot_at"], kind="stable").reset_index(drop=True)
    history["plays"] = pd.array(history["plays"], dtype="Int64")
    history["plays_gained"] = history.groupby("media_id", sort=False)["plays"].diff().astype("Int64")
    return history[REEL_HISTORY_COLUMNS]


def latest_gains(history: pd.DataFrame) -> pd.DataFrame:
    """Each reel's plays gained between the two most recent snapshots, largest first (unknown gains last)."""
    if history.empty:
        return history
    latest = history["snapshot_at"].max()
    return (history[history["snapshot_at"] == latest].dropna(subset=["plays_gained"])
            .sort_values("plays_gained", ascending=False).reset_index(drop=True))
