"""Small literal reels rows for analytics tests."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def reel(code: str, **fields) -> dict:
    """One reel row; counts default to known values, posting time to 2026-03-01 12:00 UTC."""
    row = {"media_id": f"id-{code}", "shortcode": code, "url": f"https://www.instagram.com/reel/{code}/",
           "thumbnail_url": None, "caption": f"caption {code}", "likes": 10, "comments": 0, "plays": 100,
           "views": None, "posted_at": "2026-03-01T12:00:00Z", "duration": 15.0, "product_type": "clips",
           "is_pinned": False, "hashtags": [], "mentions": [], "position": None}
    row.update(fields)
    return row
