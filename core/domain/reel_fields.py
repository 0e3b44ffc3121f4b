"""Every field ReelScope keeps about a reel, defined once: name, type, label, unit, description, source.

The store's ``reels`` columns (core.storage.models), the plain ``FetchedReel`` (core.domain.fetched), the insert
column lists (core.storage.analyses), the Parquet schema (core.storage.columnar), the read-side column lists
(core.storage.queries, core.exports.rows) and the export fields and data dictionary (core.exports.fields) all derive
from ``REEL_FIELDS``. Adding a reel field is one entry here plus an Alembic revision that adds its column; how
Instagram's value is read lives in core.instagram (scraper, reel_context), which the entry's ``source`` names.

Order is the export order (CSV columns, JSON reel keys). A field Instagram hides or omits is None: NULL, null in
JSON, empty in CSV; never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_SEPARATOR = "|"
KINDS = ("text", "integer", "number", "boolean", "datetime", "list")


@dataclass(frozen=True)
class ReelField:
    name: str
    kind: str  # one of KINDS
    label: str
    unit: str
    description: str
    source: str  # where the value comes from (read in core.instagram.scraper.reel_from_media)
    required: bool = False  # always known: NOT NULL in the store, no default on FetchedReel
    max_length: int | None = None  # short text stored as VARCHAR(n); None: unbounded TEXT
    context: bool = False  # per-reel context (core.instagram.reel_context reads it from the media dict)
    fetched: bool = True  # on FetchedReel (False: set when stored, e.g. position)
    exported: bool = True  # an export field (and a Parquet column)


_CONTEXT = dict(source="core.instagram.reel_context.context_from_media", context=True)

REEL_FIELDS: tuple[ReelField, ...] = (
    ReelField("shortcode", "text", "Shortcode", "text", "Instagram's short identifier of the reel, as in its URL.",
              "media dict: code", required=True, max_length=32),
    ReelField("media_id", "text", "Media id", "text", "Instagram's numeric media id of the reel, as text.",
              "media dict: pk", required=True, max_length=32),
    ReelField("url", "text", "URL", "URL", "Link to the reel: https://www.instagram.com/reel/<shortcode>/.",
              "built from the shortcode", required=True),
    ReelField("thumbnail_url", "text", "Thumbnail", "URL", "Instagram's preview image of the reel; such links expire.",
              "media dict: image_versions2 / display_url"),
    ReelField("caption", "text", "Caption", "text", "The reel's caption as posted; empty when it has none.",
              "media dict: caption (via instaloader Post.caption)"),
    ReelField("likes", "integer", "Likes", "count", "Like count when the analysis ran; empty (unknown) when the "
              "creator hides likes. Never 0 for unknown.", "media dict: like_count (None when like_and_view_counts_disabled)"),
    ReelField("comments", "integer", "Comments", "count", "Comment count when the analysis ran; empty (unknown) "
              "when Instagram omits it.", "media dict: comment_count"),
    ReelField("plays", "integer", "Plays (raw)", "plays", "The play count Instagram shows on the reel (instaloader "
              "video_play_count); empty when Instagram gives none. Instagram withholds it from anonymous visitors: "
              "the analysis's withheld_fields then lists it; log in to get it.", "media dict: play_count"),
    ReelField("views", "integer", "Views (raw)", "views", "Instagram's older video view count (instaloader "
              "video_view_count); used for plays when the play count is absent. Withheld from anonymous visitors, "
              "like plays.", "media dict: view_count"),
    ReelField("duration", "number", "Duration", "seconds", "Length of the video in seconds.",
              "media dict: video_duration"),
    ReelField("posted_at", "datetime", "Posted at", "UTC date-time", "When the reel was posted, in UTC (ISO 8601).",
              "media dict: taken_at", required=True),
    ReelField("product_type", "text", "Type", "label", "clips = a reel; feed = a video posted to the feed; empty "
              "when Instagram does not say.", "the media dict's product_type", max_length=32),
    ReelField("is_pinned", "boolean", "Pinned", "yes/no", "True when the creator pinned the reel to the top of the "
              "profile; pinned reels are shown first although they may be old.", "media dict: *_pinned_user_ids / is_pinned",
              required=True),
    ReelField("hashtags", "list", "Hashtags", "list", "Hashtags in the caption, lower case, without #.",
              "instaloader Post.caption_hashtags", required=True),
    ReelField("mentions", "list", "Mentions", "list", "Accounts mentioned in the caption, lower case, without @.",
              "instaloader Post.caption_mentions", required=True),
    ReelField("collaborators", "list", "Collaborators", "",
              "Usernames of the reel's collaborators (Instagram's coauthor_producers) other than the owner; an empty "
              "list when there are none, null when Instagram did not say.", **_CONTEXT),
    ReelField("is_paid_partnership", "boolean", "Paid partnership", "",
              "Whether Instagram labels the reel a paid partnership; null when not sent.", **_CONTEXT),
    ReelField("sponsors", "list", "Sponsors", "",
              "Usernames of the brands tagged as sponsors (sponsor_tags); null when not sent.", **_CONTEXT),
    ReelField("tagged_users", "list", "Tagged users", "",
              "Usernames tagged in the video (usertags); an empty list when none, null when not sent.", **_CONTEXT),
    ReelField("location_name", "text", "Location", "", "Name of the place tagged on the reel; null when none.",
              **_CONTEXT),
    ReelField("location_id", "text", "Location id", "",
              "Instagram's id of the tagged place, as text; null when none.", max_length=32, **_CONTEXT),
    ReelField("audio_type", "text", "Audio type", "",
              "'original' (the creator's own sound), 'licensed' (a music track) or null when Instagram did not say.",
              max_length=16, **_CONTEXT),
    ReelField("audio_title", "text", "Audio title", "",
              "Title of the track, or of the original sound; null when unknown.", **_CONTEXT),
    ReelField("audio_artist", "text", "Audio artist", "",
              "The track's artist, or the username of the original sound's creator; null when unknown.", **_CONTEXT),
    ReelField("audio_id", "text", "Audio id", "", "Instagram's audio id (audio_cluster_id / audio_asset_id), as text "
              "(it can exceed 2^53); null when unknown.", max_length=32, **_CONTEXT),
    ReelField("comments_disabled", "boolean", "Comments disabled", "",
              "Whether the owner turned comments off; null when not sent.", **_CONTEXT),
    ReelField("position", "integer", "Position", "",
              "0-based order in which Instagram served the reel (pinned first).", "the order of the listing",
              required=True, fetched=False),
    ReelField("is_video", "boolean", "Video", "yes/no", "Always true: ReelScope keeps video posts only.",
              "set when stored", required=True, fetched=False, exported=False),
)

BY_NAME: dict[str, ReelField] = {f.name: f for f in REEL_FIELDS}
STORED_NAMES: tuple[str, ...] = tuple(f.name for f in REEL_FIELDS)
EXPORTED_NAMES: tuple[str, ...] = tuple(f.name for f in REEL_FIELDS if f.exported)
FETCHED_NAMES: tuple[str, ...] = tuple(f.name for f in REEL_FIELDS if f.fetched)
CONTEXT_NAMES: tuple[str, ...] = tuple(f.name for f in REEL_FIELDS if f.context)
LIST_NAMES: tuple[str, ...] = tuple(f.name for f in REEL_FIELDS if f.kind == "list")
LIST_CONTEXT: tuple[str, ...] = tuple(name for name in CONTEXT_NAMES if BY_NAME[name].kind == "list")
BOOL_CONTEXT: tuple[str, ...] = tuple(name for name in CONTEXT_NAMES if BY_NAME[name].kind == "boolean")


def names_where(*, kind: str, required: bool | None = None, exported: bool = True) -> tuple[str, ...]:
    """The names of the fields of one kind (always known or not, when ``required`` is given), in registry order."""
    return tuple(f.name for f in REEL_FIELDS if f.kind == kind and f.exported == exported
                 and (required is None or f.required == required))
