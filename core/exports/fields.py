"""Which fields an export can contain, in what default order, and what each one means.

Raw fields come from the stored reels; computed metric and tier columns come from ``core.analytics.metrics``
(its ``enrich_reels`` and ``data_dictionary``), so a metric is defined in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.instagram.reel_context import CONTEXT_FIELDS

LIST_SEPARATOR = "|"

# name, kind, label, unit, description (raw fields only; core.analytics.metrics' dictionary wins when it has an entry)
_RAW_FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("shortcode", "text", "Shortcode", "", "Instagram's short code of the post (the part of its URL)."),
    ("media_id", "text", "Media id", "", "Instagram's numeric media id, as text."),
    ("url", "text", "URL", "", "https://www.instagram.com/reel/<shortcode>/"),
    ("thumbnail_url", "text", "Thumbnail URL", "", "The cover image URL Instagram served (signed, expires)."),
    ("caption", "text", "Caption", "", "The caption exactly as posted (empty when there is none)."),
    ("likes", "integer", "Likes", "count", "Like count; empty (CSV) or null (JSON) when hidden or unknown."),
    ("comments", "integer", "Comments", "count", "Comment count; empty/null when unknown."),
    ("plays", "integer", "Plays", "count", "Play count Instagram shows on a reel; empty/null when absent."),
    ("views", "integer", "Views", "count", "Video view count (older metric); empty/null when absent."),
    ("duration", "number", "Duration", "seconds", "Video length in seconds."),
    ("posted_at", "datetime", "Posted at", "ISO 8601 UTC", "When the reel was posted, in UTC."),
    ("product_type", "text", "Product type", "", "'clips' for a reel, 'feed' for a feed video."),
    ("is_pinned", "boolean", "Pinned", "", "Whether the reel is pinned to the top of the profile."),
    ("hashtags", "list", "Hashtags", "",
     f"Hashtags in the caption, lower case, without '#'. CSV: joined with '{LIST_SEPARATOR}'."),
    ("mentions", "list", "Mentions", "",
     f"Accounts mentioned in the caption, lower case, without '@'. CSV: joined with '{LIST_SEPARATOR}'."),
    *CONTEXT_FIELDS,
    ("position", "integer", "Position", "", "0-based order in which Instagram served the reel (pinned first)."),
)

RAW_FIELDS: tuple[str, ...] = tuple(name for name, *_ in _RAW_FIELDS)
_RAW_KINDS = {name: kind for name, kind, *_ in _RAW_FIELDS}


@dataclass(frozen=True)
class FieldInfo:
    name: str
    kind: str  # text | integer | number | boolean | datetime | list
    label: str
    unit: str
    description: str

    def as_dict(self) -> dict:
        return {"label": self.label, "unit": self.unit, "type": self.kind, "description": self.description}


def _metrics_dictionary() -> dict[str, dict]:
    try:
        from core.analytics.metrics import data_dictionary
    except ImportError:  # core.analytics.metrics not landed yet: raw fields only
        return {}
    return data_dictionary()


def computed_fields() -> tuple[str, ...]:
    """Every computed metric and tier column ``core.analytics.metrics.enrich_reels`` adds, in its dictionary's order."""
    return tuple(name for name in _metrics_dictionary() if name not in _RAW_KINDS)


def all_fields() -> tuple[str, ...]:
    """Every export field, in the default order: raw fields, then computed metrics and tiers."""
    return RAW_FIELDS + computed_fields()


def field_infos() -> dict[str, FieldInfo]:
    """Field → meaning, unit and type: the data dictionary shipped with every export."""
    metrics = _metrics_dictionary()
    infos: dict[str, FieldInfo] = {}
    for name, kind, label, unit, description in _RAW_FIELDS:
        entry = metrics.get(name, {})
        text = entry.get("description") or description
        if kind == "list" and LIST_SEPARATOR not in text:
            text = f"{text} CSV: joined with '{LIST_SEPARATOR}'."
        infos[name] = FieldInfo(name, kind, entry.get("label") or label, entry.get("unit", unit) or unit, text)
    for name, entry in metrics.items():
        if name not in infos:
            infos[name] = FieldInfo(name, entry.get("type") or "computed", entry.get("label", name),
                                    entry.get("unit", ""), entry.get("description", ""))
    return infos


def unknown_fields(requested: list[str] | tuple[str, ...]) -> list[str]:
    known = set(all_fields())
    return [name for name in requested if name not in known]
