"""Reel filters shared by the Results page, its charts and the export history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from core.analytics.context import collab_flags, sponsored_flags
from core.analytics.metrics import PLAYS_TIERS
from core.instagram.reel_context import AUDIO_TYPES


@dataclass(frozen=True)
class ReelFilters:
    """What to keep; every field left at its default keeps everything.

    date_from / date_to: posting dates in UTC, both ends inclusive. tiers: plays-tier labels to keep (empty = all).
    min_plays: keep reels whose plays are known and at least this many. hashtag: keep reels using this tag
    (with or without #, any case). caption_search: case-insensitive literal substring of the caption.
    sponsored: True keeps sponsored reels, False organic ones (core.analytics.context; unknown reels match neither).
    collab: True keeps reels with collaborators, False solo ones. audio_type: "original" or "licensed".
    location: case-insensitive literal substring of the tagged place's name.
    topic: keep reels of this topic label (core.analytics.topics; the frame needs its ``topic`` column).
    """

    date_from: date | None = None
    date_to: date | None = None
    tiers: tuple[str, ...] = field(default_factory=tuple)
    min_plays: int | None = None
    hashtag: str | None = None
    caption_search: str | None = None
    sponsored: bool | None = None
    collab: bool | None = None
    audio_type: str | None = None
    location: str | None = None
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.audio_type is not None and self.audio_type not in AUDIO_TYPES:
            raise ValueError(f"unknown audio type {self.audio_type!r}; choose from {', '.join(AUDIO_TYPES)}")
        unknown = [tier for tier in self.tiers if tier not in PLAYS_TIERS]
        if unknown:
            raise ValueError(f"unknown plays tier {unknown[0]!r}; choose from {', '.join(PLAYS_TIERS)}")
        object.__setattr__(self, "tiers", tuple(self.tiers))

    @property
    def is_empty(self) -> bool:
        return self == ReelFilters()

    def to_dict(self) -> dict:
        """JSON-ready: dates as ISO strings, tiers as a list."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "tiers": list(self.tiers),
            "min_plays": self.min_plays,
            "hashtag": self.hashtag,
            "caption_search": self.caption_search,
            **{name: getattr(self, name) for name in _CONTEXT_FILTERS if getattr(self, name) is not None},
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ReelFilters:
        """The inverse of to_dict; missing keys keep their defaults."""
        data = data or {}

        def as_date(value) -> date | None:
            return date.fromisoformat(value) if isinstance(value, str) and value else value or None

        return cls(
            date_from=as_date(data.get("date_from")),
            date_to=as_date(data.get("date_to")),
            tiers=tuple(data.get("tiers") or ()),
            min_plays=data.get("min_plays"),
            hashtag=data.get("hashtag") or None,
            caption_search=data.get("caption_search") or None,
            sponsored=_optional_bool(data.get("sponsored")),
            collab=_optional_bool(data.get("collab")),
            audio_type=data.get("audio_type") or None,
            location=data.get("location") or None,
            topic=data.get("topic") or None,
        )


_CONTEXT_FILTERS = ("sponsored", "collab", "audio_type", "location", "topic")


def _optional_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"expected true, false or null, not {value!r}")


def _normalise_tag(tag: str) -> str:
    return tag.strip().lstrip("#").lower()


def apply_filters(enriched: pd.DataFrame, filters: ReelFilters) -> pd.DataFrame:
    """The reels matching every filter (AND), in their original order."""
    keep = np.ones(len(enriched), dtype=bool)
    posted = enriched["posted_at"]
    if filters.date_from is not None:
        start = pd.Timestamp(filters.date_from, tz="UTC")
        keep &= (posted >= start).to_numpy(dtype=bool, na_value=False)
    if filters.date_to is not None:
        end = pd.Timestamp(filters.date_to, tz="UTC") + pd.Timedelta(days=1)
        keep &= (posted < end).to_numpy(dtype=bool, na_value=False)
    if filters.tiers:
        keep &= enriched["plays_tier"].isin(filters.tiers).to_numpy(dtype=bool)
    if filters.min_plays is not None:
        keep &= (enriched["effective_plays"] >= filters.min_plays).to_numpy(dtype=bool, na_value=False)
    if filters.hashtag:
        tag = _normalise_tag(filters.hashtag)
        keep &= np.fromiter((tag in tags for tags in enriched["hashtags"]), dtype=bool, count=len(enriched))
    if filters.caption_search:
        captions = enriched["caption"].astype("string")
        matches = captions.str.contains(filters.caption_search, case=False, regex=False)
        keep &= matches.to_numpy(dtype=bool, na_value=False)
    for wanted, flags in ((filters.sponsored, sponsored_flags), (filters.collab, collab_flags)):
        if wanted is not None:
            keep &= (flags(enriched) == wanted).to_numpy(dtype=bool, na_value=False)
    if filters.audio_type:
        keep &= (enriched["audio_type"] == filters.audio_type).to_numpy(dtype=bool, na_value=False)
    if filters.location:
        places = enriched["location_name"].astype("string")
        keep &= places.str.contains(filters.location, case=False, regex=False).to_numpy(dtype=bool, na_value=False)
    if filters.topic:
        keep &= (enriched["topic"].astype(object) == filters.topic).to_numpy(dtype=bool, na_value=False)
    return enriched[keep]


def describe(filters: ReelFilters) -> str:
    """One line for people, e.g. "posted 2026-01-01 to 2026-03-31; tier viral or strong; at least 1,000 plays"."""
    parts = []
    if filters.date_from and filters.date_to:
        parts.append(f"posted {filters.date_from.isoformat()} to {filters.date_to.isoformat()}")
    elif filters.date_from:
        parts.append(f"posted on or after {filters.date_from.isoformat()}")
    elif filters.date_to:
        parts.append(f"posted on or before {filters.date_to.isoformat()}")
    if filters.tiers:
        parts.append(f"tier {' or '.join(filters.tiers)}")
    if filters.min_plays is not None:
        parts.append(f"at least {filters.min_plays:,} plays")
    if filters.hashtag:
        parts.append(f"hashtag #{_normalise_tag(filters.hashtag)}")
    if filters.caption_search:
        parts.append(f'caption contains "{filters.caption_search}"')
    if filters.sponsored is not None:
        parts.append("sponsored" if filters.sponsored else "organic")
    if filters.collab is not None:
        parts.append("collab" if filters.collab else "solo")
    if filters.audio_type:
        parts.append(f"{filters.audio_type} audio")
    if filters.location:
        parts.append(f'location contains "{filters.location}"')
    if filters.topic:
        parts.append(f'topic "{filters.topic}"')
    return "; ".join(parts) if parts else "no filters"
