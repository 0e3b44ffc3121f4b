"""What the per-reel context export fields should hold for an emulator reel (from its MediaContext)."""

from __future__ import annotations

from core.exports.fields import LIST_SEPARATOR


def expected_context(profile, media) -> dict:
    """Export keys → values (JSON form) for the context the emulator served for ``media``."""
    c, absent = media.context, media.context.absent
    audio = dict.fromkeys(("audio_type", "audio_title", "audio_artist", "audio_id"))
    if media.product_type == "clips" and "clips_metadata" not in absent and c.audio is not None:
        if c.audio[0] == "original":
            audio = {"audio_type": "original", "audio_title": c.audio[1], "audio_artist": profile.username,
                     "audio_id": c.audio[2]}
        else:
            audio = {"audio_type": "licensed", "audio_title": c.audio[1], "audio_artist": c.audio[2],
                     "audio_id": c.audio[3]}
    place = None if "location" in absent else c.location
    return {
        "collaborators": None if "coauthor_producers" in absent else list(c.collaborators),
        "is_paid_partnership": None if "is_paid_partnership" in absent else c.paid_partnership,
        "sponsors": None if "sponsor_tags" in absent else list(c.sponsors),
        "tagged_users": None if "usertags" in absent else list(c.tagged),
        "location_name": place[0] if place else None, "location_id": place[1] if place else None,
        **audio,
        "comments_disabled": None if "comments_disabled" in absent else c.comments_disabled,
    }


def csv_form(value: object) -> str:
    """How a JSON value of a context field reads in the CSV export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)
