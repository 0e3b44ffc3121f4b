"""Time passing on the emulator: advance a profile so that its next snapshot differs from the last one.

One tick of a profile posts new reels (the first one viral: ``viral_multiple`` × the profile's median plays, views
and likes), lets every existing video gain plays, and moves the follower count by a percentage. Deterministic: the
same ticks give the same profile. ``POST /__emulator__/tick`` with ``{"username": …}`` and any of the parameters of
``advance`` applies one tick to a running emulator.
"""

from __future__ import annotations

import copy
import json
import statistics
from dataclasses import replace
from typing import Any

from .catalogue import _IG_EPOCH_MS, SyntheticMedia, SyntheticProfile, cdn_image_url, mediaid_to_shortcode

__all__ = ["advance", "tick", "tick_request"]

HOUR = 3600


def _grown(value: int | None, percent: float) -> int | None:
    return None if value is None else int(round(value * (1 + percent / 100.0)))


def _median(values: list[int | None]) -> int:
    known = [v for v in values if v is not None]
    return int(statistics.median(known)) if known else 1000


def _new_reel(profile: SyntheticProfile, index: int, taken_at: int, multiple: float,
             withhold_plays: bool) -> SyntheticMedia:
    videos = profile.videos
    plays = None if withhold_plays else int(_median([m.play_count for m in videos]) * multiple)
    views = None if withhold_plays else int(_median([m.view_count for m in videos]) * multiple)
    likes = int(_median([m.like_count for m in videos]) * multiple)
    pk = ((taken_at * 1000 - _IG_EPOCH_MS) << 23) | (int(profile.user_id) % 4096 << 10) | (index % 1024)
    return SyntheticMedia(
        pk=str(pk), code=mediaid_to_shortcode(pk), media_type=2, product_type="clips", taken_at=taken_at,
        caption=f"Brand new reel #{index} #reels", like_count=likes, likes_hidden=False,
        comment_count=max(1, likes // 40), play_count=plays, view_count=views, video_duration=21.0, pinned=False,
        thumbnail_url=cdn_image_url("media", str(pk)))


def advance(profile: SyntheticProfile, *, followers_change_pct: float = 10.0, new_reels: int = 1,
            viral_multiple: float = 10.0, plays_growth_pct: float = 5.0,
            withhold_plays: bool = False) -> SyntheticProfile:
    """The profile one tick later: ``new_reels`` new reels (the first ``viral_multiple`` × the median, the others
    typical; without play and view counts when ``withhold_plays``), existing videos' plays and views up
    ``plays_growth_pct`` percent, followers changed by ``followers_change_pct`` percent."""
    newest = max((m.taken_at for m in profile.media), default=1_777_334_400)
    grown = tuple(replace(m, play_count=_grown(m.play_count, plays_growth_pct),
                          view_count=_grown(m.view_count, plays_growth_pct)) if m.is_video else m
                  for m in profile.media)
    fresh = tuple(_new_reel(profile, len(profile.media) + i, newest + (i + 1) * HOUR,
                            viral_multiple if i == 0 else 1.0, withhold_plays) for i in range(new_reels))
    media = tuple(sorted(grown + fresh, key=lambda m: (not m.pinned, -m.taken_at)))
    return replace(profile, media=media, followers=_grown(profile.followers, followers_change_pct) or 0)


def tick(emulator: Any, username: str, **changes: Any) -> SyntheticProfile:
    """Advance one profile of a running ``EmulatorServer`` and re-index it; KeyError for an unknown profile."""
    key = username.lower()
    catalogue = dict(emulator.catalogue)
    catalogue[key] = advance(catalogue[key], **changes)
    shadow = copy.copy(emulator)  # build the new lookups aside, then swap in what changed
    shadow.catalogue = catalogue
    shadow._index()
    for name, value in vars(shadow).items():
        if getattr(emulator, name, None) is not value:
            setattr(emulator, name, value)
    return catalogue[key]


_PARAMETERS = {"followers_change_pct": float, "new_reels": int, "viral_multiple": float, "plays_growth_pct": float,
               "withhold_plays": bool}


def tick_request(emulator: Any, body: bytes) -> tuple[dict[str, Any], int]:
    """The ``POST /__emulator__/tick`` handler: (JSON reply, HTTP status)."""
    try:
        data = json.loads(body or b"{}")
        username = str(data["username"])
        changes = {name: kind(data[name]) for name, kind in _PARAMETERS.items() if name in data}
        before = {m.code for m in emulator.catalogue[username.lower()].media}
        profile = tick(emulator, username, **changes)
    except KeyError as err:
        return {"ok": False, "error": f"unknown profile or missing field: {err}"}, 400
    except (ValueError, TypeError) as err:
        return {"ok": False, "error": str(err)}, 400
    return {"ok": True, "username": profile.username, "followers": profile.followers,
            "new_reels": [m.code for m in profile.media if m.code not in before]}, 200
