"""Per-reel context read from a raw media dict: collaborators, sponsorship, tagged users, place, audio.

The fields themselves are defined in core.domain.reel_fields (``context=True`` entries); this module's
``context_from_media`` reads them from the media
dict ReelScope already has (a listing node, merged with the detail payload when the listing lacked a field);
no request is ever made for them.

Two shapes are read: the web app's media dicts (``coauthor_producers``, ``sponsor_tags``, ``usertags.in``,
``location.pk``, ``clips_metadata``) and the older GraphQL nodes (``edge_media_to_sponsor_user``,
``edge_media_to_tagged_user``, ``location.id``). A field Instagram did not send is None (NULL, null in JSON,
empty in CSV). A list is a (possibly empty) list when Instagram sent the key, even as ``null`` for
``sponsor_tags`` / ``usertags`` (Instagram sends null there when there are none), and None when the key is
absent. Audio ids can exceed 2**53, so every id is kept as text.
"""

from __future__ import annotations

from typing import Any

from core.domain.reel_fields import BOOL_CONTEXT, CONTEXT_NAMES, LIST_CONTEXT  # noqa: F401 (re-exported)

AUDIO_TYPES = ("original", "licensed")


def _id_text(value: object) -> str | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    return str(value)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _usernames(items: object, *path: str) -> list[str]:
    """The ``username`` found under ``path`` in each item of a list, lower case, in order, without repeats."""
    names: list[str] = []
    for item in items if isinstance(items, list) else []:
        for key in path:
            item = item.get(key) if isinstance(item, dict) else None
        name = item.get("username") if isinstance(item, dict) else None
        if isinstance(name, str) and name and name.lower() not in names:
            names.append(name.lower())
    return names


def _edges(media: dict, key: str) -> list | None:
    connection = media.get(key)
    return connection.get("edges") if isinstance(connection, dict) else None


def _owner(media: dict) -> str | None:
    for key in ("user", "owner"):
        user = media.get(key)
        if isinstance(user, dict) and isinstance(user.get("username"), str):
            return user["username"].lower()
    return None


def collaborators(media: dict) -> list[str] | None:
    if "coauthor_producers" not in media:
        return None
    owner = _owner(media)
    return [name for name in _usernames(media["coauthor_producers"]) if name != owner]


def sponsors(media: dict) -> list[str] | None:
    if "sponsor_tags" in media:
        return _usernames(media["sponsor_tags"], "sponsor")
    edges = _edges(media, "edge_media_to_sponsor_user")
    return None if edges is None else _usernames(edges, "node", "sponsor")


def tagged_users(media: dict) -> list[str] | None:
    if "usertags" in media:
        tags = media["usertags"]
        return _usernames(tags.get("in") if isinstance(tags, dict) else None, "user")
    edges = _edges(media, "edge_media_to_tagged_user")
    return None if edges is None else _usernames(edges, "node", "user")


def location(media: dict) -> tuple[str | None, str | None]:
    place = media.get("location")
    if not isinstance(place, dict):
        return None, None
    return _text(place.get("name")) or _text(place.get("short_name")), _id_text(place.get("pk") or place.get("id"))


def audio(media: dict) -> dict[str, str | None]:
    """audio_type, audio_title, audio_artist and audio_id from ``clips_metadata`` (all None without it)."""
    none: dict[str, str | None] = dict.fromkeys(("audio_type", "audio_title", "audio_artist", "audio_id"))
    clips = media.get("clips_metadata")
    if not isinstance(clips, dict):
        return none
    original = clips.get("original_sound_info")
    if isinstance(original, dict):
        artist = original.get("ig_artist")
        artist_name = artist.get("username") if isinstance(artist, dict) else None
        return {"audio_type": "original", "audio_title": _text(original.get("original_audio_title")),
                "audio_artist": _text(artist_name) or _owner(media),
                "audio_id": _id_text(original.get("audio_asset_id"))}
    music = clips.get("music_info")
    if isinstance(music, dict):
        asset = music.get("music_asset_info") if isinstance(music.get("music_asset_info"), dict) else {}
        return {"audio_type": "licensed", "audio_title": _text(asset.get("title")),
                "audio_artist": _text(asset.get("display_artist")),
                "audio_id": _id_text(asset.get("audio_cluster_id")) or _id_text(asset.get("audio_asset_id"))}
    return none


def context_from_media(media: dict) -> dict[str, Any]:
    """Every context field (``CONTEXT_NAMES``) of one media dict; lists as tuples (the reel is frozen)."""
    location_name, location_id = location(media)
    lists = {"collaborators": collaborators(media), "sponsors": sponsors(media), "tagged_users": tagged_users(media)}
    return {
        **{name: None if value is None else tuple(value) for name, value in lists.items()},
        "is_paid_partnership": _flag(media.get("is_paid_partnership")),
        "location_name": location_name, "location_id": location_id,
        **audio(media),
        "comments_disabled": _flag(media.get("comments_disabled")),
    }
