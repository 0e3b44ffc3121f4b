"""What the store must hold for what the emulator served (the emulator's catalogue is the truth)."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime

# instaloader's own caption patterns (structures.py), so expectations follow instaloader exactly.
_HASHTAG = re.compile(r"(?:#)((?:\w){1,150})")
_MENTION = re.compile(r"(?:^|\W|_)(?:@)(\w(?:(?:\w|(?:\.(?!\.))){0,28}(?:\w))?)", re.ASCII)


def expected_likes(media) -> int | None:
    return None if media.likes_hidden or media.like_count is None else media.like_count


def expected_views(media, logged_in: bool) -> int | None:
    """Instagram sends play and view counts to logged-in sessions only."""
    if not logged_in:
        return None
    return media.play_count if media.play_count is not None else media.view_count


def expected_view_row(media, logged_in: bool = True) -> dict:
    caption = media.caption
    return {
        "reel_id": media.pk,
        "reel_shortcode": media.code,
        "reel_url": f"https://www.instagram.com/reel/{media.code}/",
        "reel_caption": caption,
        "reel_likes": expected_likes(media),
        "reel_comments": media.comment_count,
        "reel_views": expected_views(media, logged_in),
        "reel_date_posted": datetime.fromtimestamp(media.taken_at, UTC).isoformat(),
        # SQL ROUND: halves away from zero
        "reel_duration": None if media.video_duration is None else math.floor(media.video_duration + 0.5),
        "reel_hashtags": _HASHTAG.findall(caption.lower()) if caption else [],
        "reel_mentions": _MENTION.findall(caption.lower()) if caption else [],
    }


def actual_view_row(row: dict) -> dict:
    picked = {key: row[key] for key in ("reel_id", "reel_shortcode", "reel_url", "reel_caption", "reel_likes",
                                        "reel_comments", "reel_views", "reel_date_posted", "reel_duration")}
    picked["reel_hashtags"] = json.loads(row["reel_hashtags"])
    picked["reel_mentions"] = json.loads(row["reel_mentions"])
    return picked
