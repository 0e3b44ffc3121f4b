"""Analytics of the per-reel context (core.instagram.reel_context): sponsored vs organic, collab vs solo, audio, places,
collaborators. Pure functions: a reels DataFrame (``core.metrics.enrich_reels`` output) in, small frames out.

Every figure carries its sample size, and none is given below ``MIN_SAMPLE`` reels: a median of two reels says
nothing. Reels whose context Instagram did not send (NULL) belong to neither side of a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_SAMPLE = 5  # reels a group needs before its median (or a share) is shown
TOP_N = 10


@dataclass(frozen=True)
class ContextFigure:
    """One figure of the Context tab: its table, or None (with the reason) when the sample is too small."""

    title: str
    sample: int
    table: pd.DataFrame | None
    reason: str | None = None


def _known_list(value: object) -> bool:
    return isinstance(value, (list, tuple))


def sponsored_flags(reels: pd.DataFrame) -> pd.Series:
    """True: labelled a paid partnership or with sponsor tags; False: labelled not paid and no sponsor tags;
    NA: Instagram said neither (``is_paid_partnership`` and ``sponsors`` both unknown)."""
    flags = []
    for paid, sponsors in zip(reels["is_paid_partnership"], reels["sponsors"], strict=True):
        tagged = bool(sponsors) if _known_list(sponsors) else None
        if paid is True or tagged:
            flags.append(True)
        elif paid is False or tagged is False:
            flags.append(False)
        else:
            flags.append(pd.NA)
    return pd.Series(pd.array(flags, dtype="boolean"), index=reels.index, name="sponsored")


def collab_flags(reels: pd.DataFrame) -> pd.Series:
    """True: the reel has collaborators; False: Instagram sent an empty list; NA: it sent nothing."""
    flags = [bool(v) if _known_list(v) else pd.NA for v in reels["collaborators"]]
    return pd.Series(pd.array(flags, dtype="boolean"), index=reels.index, name="collab")


def _median(series: pd.Series) -> float:
    values = pd.to_numeric(series, errors="coerce").astype("Float64").dropna()
    return float(values.median()) if len(values) else np.nan


def compare_groups(reels: pd.DataFrame, flags: pd.Series, labels: tuple[str, str]) -> pd.DataFrame:
    """Per side (``labels`` = (True label, False label)): reels, median plays and median engagement rate, each
    median with its own sample (reels with a known value); NaN below ``MIN_SAMPLE``."""
    rows = []
    sides = (flags.fillna(False).to_numpy(dtype=bool), (~flags).fillna(False).to_numpy(dtype=bool))
    for side, label in zip(sides, labels, strict=True):
        group = reels[side]
        plays = group["effective_plays"].dropna()
        rates = group["engagement_rate"].dropna()
        rows.append({"group": label, "reels": len(group),
                     "plays_sample": len(plays), "median_plays": _median(plays) if len(plays) >= MIN_SAMPLE else np.nan,
                     "rate_sample": len(rates),
                     "median_engagement_rate": _median(rates) if len(rates) >= MIN_SAMPLE else np.nan})
    return pd.DataFrame(rows)


def sponsored_vs_organic(reels: pd.DataFrame) -> ContextFigure:
    flags = sponsored_flags(reels)
    return _comparison("Sponsored vs organic", reels, flags, ("sponsored", "organic"))


def collab_vs_solo(reels: pd.DataFrame) -> ContextFigure:
    flags = collab_flags(reels)
    return _comparison("Collab vs solo", reels, flags, ("collab", "solo"))


def _comparison(title: str, reels: pd.DataFrame, flags: pd.Series, labels: tuple[str, str]) -> ContextFigure:
    table = compare_groups(reels, flags, labels)
    known = int(flags.notna().sum())
    if table["reels"].min() < MIN_SAMPLE:
        counts = ", ".join(f"{n} {g}" for g, n in zip(table["group"], table["reels"], strict=True))
        return ContextFigure(title, known, None, f"needs at least {MIN_SAMPLE} reels on each side ({counts})")
    return ContextFigure(title, known, table)


def top_audio(reels: pd.DataFrame, n: int = TOP_N) -> ContextFigure:
    """The most used tracks (by audio id, else title and artist), with the shortcodes of the reels using each."""
    known = reels[reels["audio_type"].notna()]
    if len(known) < MIN_SAMPLE:
        return ContextFigure("Top audio", len(known), None,
                             f"needs at least {MIN_SAMPLE} reels with known audio ({len(known)})")
    keys = [audio_id if isinstance(audio_id, str) else f"{title}|{artist}"
            for audio_id, title, artist in zip(known["audio_id"], known["audio_title"], known["audio_artist"],
                                               strict=True)]
    frame = known.assign(_key=keys)
    rows = []
    for _, group in frame.groupby("_key", sort=False):
        first = group.iloc[0]
        rows.append({"audio_type": first["audio_type"], "audio_title": first["audio_title"],
                     "audio_artist": first["audio_artist"], "audio_id": first["audio_id"], "reels": len(group),
                     "total_plays": _sum(group["effective_plays"]), "shortcodes": list(group["shortcode"])})
    table = pd.DataFrame(rows).sort_values(["reels", "total_plays"], ascending=False, kind="stable")
    return _ranked("Top audio", len(known), table, n, "track")


def _sum(series: pd.Series) -> int | None:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return int(values.sum()) if len(values) else None


def top_locations(reels: pd.DataFrame, n: int = TOP_N) -> ContextFigure:
    """Tagged places by reels, with their total plays."""
    known = reels[reels["location_name"].notna()]
    if len(known) < MIN_SAMPLE:
        return ContextFigure("Top locations", len(known), None,
                             f"needs at least {MIN_SAMPLE} reels with a tagged place ({len(known)})")
    rows = [{"location_name": name, "reels": len(group), "total_plays": _sum(group["effective_plays"]),
             "median_plays": _median(group["effective_plays"])}
            for name, group in known.groupby("location_name", sort=False)]
    table = pd.DataFrame(rows).sort_values(["reels", "total_plays"], ascending=False, kind="stable")
    return _ranked("Top locations", len(known), table, n, "place")


def collaborator_ranking(reels: pd.DataFrame, n: int = TOP_N) -> ContextFigure:
    """Collaborators ranked by the total plays of the reels they share with the profile."""
    shared = reels[collab_flags(reels).fillna(False).to_numpy(dtype=bool)]
    if len(shared) < MIN_SAMPLE:
        return ContextFigure("Collaborators", len(shared), None,
                             f"needs at least {MIN_SAMPLE} collab reels ({len(shared)})")
    exploded = shared[["collaborators", "effective_plays", "shortcode"]].explode("collaborators")
    rows = [{"collaborator": name, "reels": len(group), "total_plays": _sum(group["effective_plays"]),
             "shortcodes": list(group["shortcode"])}
            for name, group in exploded.groupby("collaborators", sort=True)]
    table = pd.DataFrame(rows)
    table = table.assign(_plays=table["total_plays"].fillna(-1)).sort_values(
        ["_plays", "reels"], ascending=False, kind="stable").drop(columns="_plays")
    return _ranked("Collaborators", len(shared), table, n, "collaborator")


def _ranked(title: str, sample: int, table: pd.DataFrame, n: int, what: str) -> ContextFigure:
    """The first ``n`` rows of a ranking that have at least ``MIN_SAMPLE`` reels each (a place seen on 2 reels is
    not ranked); None, saying the largest count, when no row has."""
    kept = table[table["reels"] >= MIN_SAMPLE].head(n).reset_index(drop=True)
    if kept.empty:
        most = int(table["reels"].max()) if len(table) else 0
        return ContextFigure(title, sample, None, f"no {what} has at least {MIN_SAMPLE} reels (the most: {most})")
    return ContextFigure(title, sample, kept)


def context_shares(reels: pd.DataFrame) -> dict[str, float | int | None]:
    """Sponsored share and collab share of the reels whose context is known, with those samples; a share is
    None below ``MIN_SAMPLE`` known reels (Compare page)."""
    result: dict[str, float | int | None] = {}
    for name, flags in (("sponsored", sponsored_flags(reels)), ("collab", collab_flags(reels))):
        known = flags.dropna()
        result[f"{name}_sample"] = len(known)
        result[f"{name}_share"] = float(known.mean()) if len(known) >= MIN_SAMPLE else None
    return result


def context_figures(reels: pd.DataFrame) -> list[ContextFigure]:
    """Every figure of the Context tab, in display order."""
    return [sponsored_vs_organic(reels), collab_vs_solo(reels), top_audio(reels), top_locations(reels),
            collaborator_ranking(reels)]


METHODOLOGY = f"""
**Per-reel context** (Context tab, Compare page). Read from the media data Instagram already sent for each reel;
no extra request. A field Instagram did not send is unknown (empty), never "no".
- *Sponsored*: labelled a paid partnership, or with sponsor tags; *organic*: labelled not paid and without sponsor
  tags. Reels with neither label are left out of both groups.
- *Collab*: the reel lists co-authors (Instagram's collaborators) other than the owner; *solo*: an empty list.
- Medians of plays and engagement rate per group count only reels whose value is known; each figure shows its
  sample size, and none is shown below {MIN_SAMPLE} reels (a comparison needs {MIN_SAMPLE} on each side).
- *Top audio*: tracks by Instagram's audio id (title and artist when there is none), most used first, with the
  reels using each; *top locations*: tagged places by reels; *collaborators*: ranked by the total plays of the
  reels they share. Each table needs at least {MIN_SAMPLE} reels with that field known, and lists only the tracks,
  places and collaborators with at least {MIN_SAMPLE} reels each.
- *Sponsored share* and *collab share* (Compare): of the reels whose status is known.
"""
