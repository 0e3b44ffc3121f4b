"""Time passing on the emulator: advance a profile so that its next snapshot differs from the last one.

One tick of a profile posts new reels (the first one viral: ``viral_multiple`` × the profile's median plays, views
and likes), lets every existing video gain plays, and moves the follower count by a percentage. Deterministic: the
same ticks give the same profile. ``POST /__emulator__/tick`` with ``{"username": …}`` and any of the parameters of
``advance`` applies one tick to a running emulator.

Demo growth: ``demo_profile_at(profile, now)`` is a demo profile as the wall clock ``now`` finds it, a pure function
of the seconds since ``DEMO_EPOCH``. Followers and the plays of its reels grow steadily; every ``DEMO_POST_EVERY``
seconds it posts a new reel, and every ``DEMO_TAKE_OFF_EVERY``-th new reel takes off (``DEMO_TAKE_OFF_MULTIPLE`` × the profile's median
plays at the end of its curve, past the viral-alert threshold from the first minute). Only its newest
``DEMO_POSTS_KEPT`` demo reels stay visible (older ones are archived), so a profile stays small however long the demo
runs. ``start_demo_clock(emulator)`` keeps a running emulator's demo profiles at the wall clock.
"""

from __future__ import annotations

import copy
import json
import math
import random
import statistics
import threading
import time
from dataclasses import replace
from typing import Any

from .catalogue import (
    _IG_EPOCH_MS,
    SyntheticMedia,
    SyntheticProfile,
    _media_context,
    cdn_image_url,
    default_catalogue,
    mediaid_to_shortcode,
)

__all__ = ["advance", "demo_catalogue_at", "demo_profile_at", "start_demo_clock", "tick", "tick_request"]

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
    _swap_catalogue(emulator, catalogue)
    return catalogue[key]


def _swap_catalogue(emulator: Any, catalogue: dict[str, SyntheticProfile]) -> None:
    """Give a running ``EmulatorServer`` a new catalogue: its lookups are built aside, then swapped in."""
    shadow = copy.copy(emulator)
    shadow.catalogue = catalogue
    shadow._index()
    for name, value in vars(shadow).items():
        if getattr(emulator, name, None) is not value:
            setattr(emulator, name, value)


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


# --- demo growth: a deterministic function of the wall clock --------------------------------------------------

DEMO_PROFILES = ("demo_creator", "demo_travel", "demo_food")
DEMO_EPOCH = 1_793_491_200  # 2026-11-01T00:00:00Z: demo growth starts here
DEMO_POST_EVERY = 150  # seconds between a demo profile's new reels
DEMO_TAKE_OFF_EVERY = 4  # one new reel in four takes off: one every ten minutes, so a watch soon sees one
DEMO_POSTS_KEPT = 24  # the newest demo reels a profile shows (an hour's worth); older ones are archived
DEMO_TAKE_OFF_MULTIPLE = 12.0  # a reel that takes off ends at this multiple of the profile's median plays
FOLLOWERS_GROWTH_PER_DAY = 0.004  # 0.4% of the starting followers a day
PLAYS_GROWTH_PER_DAY = 0.01  # existing reels: 1% of their starting plays a day
_CURVE_SECONDS = 1800.0  # a new reel gets most of its plays within about half an hour


def _offset(username: str) -> int:
    """Each demo profile posts at its own second of the slot, so their new reels do not all land together."""
    return int(username.encode().hex(), 16) % DEMO_POST_EVERY


def _demo_reel(profile: SyntheticProfile, slot: int, now: float, median: int) -> SyntheticMedia:
    """The reel ``profile`` posts in ``slot`` (one slot in ``DEMO_TAKE_OFF_EVERY`` takes off), as it is at ``now``."""
    taken_at = DEMO_EPOCH + slot * DEMO_POST_EVERY + _offset(profile.username)
    age = max(0.0, now - taken_at)
    rng = random.Random(f"reelscope-demo-growth:{profile.username}:{slot}")
    ramp = 1.0 - math.exp(-age / _CURVE_SECONDS)
    takes_off = slot % DEMO_TAKE_OFF_EVERY == 0
    final = median * (DEMO_TAKE_OFF_MULTIPLE if takes_off else rng.uniform(0.6, 1.4))
    plays = int(final * ((0.4 + 0.6 * ramp) if takes_off else (0.15 + 0.85 * ramp)))
    likes = int(plays * rng.uniform(0.02, 0.06))
    pk = ((taken_at * 1000 - _IG_EPOCH_MS) << 23) | (int(profile.user_id) % 4096 << 10) | (slot % 1024)
    caption = "This one took off 🚀 #viral #reels" if takes_off else f"Fresh reel #{slot % 1000} #reels"
    return SyntheticMedia(
        pk=str(pk), code=mediaid_to_shortcode(pk), media_type=2, product_type="clips", taken_at=taken_at,
        caption=caption, like_count=likes, likes_hidden=False, comment_count=max(1, likes // 40), play_count=plays,
        view_count=int(plays * 0.6), video_duration=float(rng.randint(8, 60)), pinned=False,
        thumbnail_url=cdn_image_url("media", str(pk)), context=_media_context(profile.username, pk, "clips"))


def demo_profile_at(profile: SyntheticProfile, now: float) -> SyntheticProfile:
    """``profile`` (as the catalogue builds it) at the wall-clock time ``now`` (seconds since 1970): followers and
    existing reels' plays grown in proportion to the days since ``DEMO_EPOCH``, plus its newest demo reels."""
    elapsed = max(0.0, now - DEMO_EPOCH)
    days = elapsed / 86_400
    median = _median([m.play_count for m in profile.videos])
    grown = tuple(replace(m, play_count=_grown(m.play_count, 100 * PLAYS_GROWTH_PER_DAY * days),
                          view_count=_grown(m.view_count, 100 * PLAYS_GROWTH_PER_DAY * days)) if m.is_video else m
                  for m in profile.media)
    latest = math.floor((elapsed - _offset(profile.username)) / DEMO_POST_EVERY)
    fresh = tuple(_demo_reel(profile, slot, now, median)
                  for slot in range(max(0, latest - DEMO_POSTS_KEPT + 1), latest + 1))
    media = tuple(sorted(grown + fresh, key=lambda m: (not m.pinned, -m.taken_at)))
    followers = profile.followers + int(profile.followers * FOLLOWERS_GROWTH_PER_DAY * days)
    return replace(profile, media=media, followers=followers)


def demo_catalogue_at(now: float, catalogue: dict[str, SyntheticProfile] | None = None) -> dict[str, SyntheticProfile]:
    """The catalogue at ``now``: the demo profiles grown (``demo_profile_at``), every other profile as built."""
    base = catalogue if catalogue is not None else default_catalogue()
    return {name: demo_profile_at(p, now) if name in DEMO_PROFILES else p for name, p in base.items()}


def show_demo_growth(emulator: Any, now: float) -> None:
    """Put a running emulator's demo profiles at ``now`` (its other profiles, ticked or not, are left alone)."""
    catalogue = dict(emulator.catalogue)
    catalogue.update({name: p for name, p in demo_catalogue_at(now).items() if name in DEMO_PROFILES})
    _swap_catalogue(emulator, catalogue)


def start_demo_clock(emulator: Any, every_seconds: float = 15.0) -> threading.Event:
    """Keep a running emulator's demo profiles at the wall clock (refreshed every ``every_seconds``) until the
    returned event is set."""
    stop = threading.Event()
    show_demo_growth(emulator, time.time())

    def run() -> None:
        while not stop.wait(every_seconds):
            show_demo_growth(emulator, time.time())

    threading.Thread(target=run, name="emulator-demo-clock", daemon=True).start()
    return stop
