"""The ``instagram_data`` view as the code defines it today (README: Architecture, the instagram_data view).

Each migration revision that creates the view holds its own frozen copy of this SQL; a test checks that
the newest copy equals this definition.
"""

from __future__ import annotations

VIEW_COLUMNS = (
    "id", "analysis_id", "instagram_user_id", "analysis_status", "analysis_progress", "analysis_error",
    "profile_username", "profile_follower_count", "profile_following_count", "profile_media_count",
    "profile_is_private", "profile_pic_url", "reel_id", "reel_shortcode", "reel_url", "reel_thumbnail_url",
    "reel_caption", "reel_likes", "reel_comments", "reel_views", "reel_date_posted", "reel_duration",
    "reel_is_video", "reel_hashtags", "reel_mentions", "created_at", "updated_at",
)

_ISO_SQLITE = "strftime('%Y-%m-%dT%H:%M:%S+00:00', {col})"
_ISO_POSTGRES = "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"


def instagram_data_view_sql(dialect: str) -> str:
    """CREATE VIEW for ``instagram_data`` (README: Architecture, the instagram_data view): one row per reel, or one per reel-less analysis.

    Only a completed analysis has reel rows: the reels a running (or failed) analysis stored so far stay out of
    the view, which shows each analysis's reels once, complete."""
    iso = _ISO_POSTGRES if dialect == "postgresql" else _ISO_SQLITE
    # SQL ROUND: halves away from zero. PostgreSQL's round(double precision) rounds halves to even, numeric doesn't.
    duration = "CAST(ROUND(CAST(r.duration AS NUMERIC)) AS INTEGER)" if dialect == "postgresql" \
        else "CAST(ROUND(r.duration) AS INTEGER)"
    json_text = "CAST({col} AS TEXT)"
    return f"""
CREATE VIEW instagram_data AS
SELECT
    CASE WHEN r.id IS NULL THEN a.id ELSE a.id || '/' || r.media_id END AS id,
    a.id AS analysis_id,
    p.instagram_user_id AS instagram_user_id,
    a.status AS analysis_status,
    a.progress AS analysis_progress,
    a.error AS analysis_error,
    a.username AS profile_username,
    p.followers AS profile_follower_count,
    p.following AS profile_following_count,
    p.media_count AS profile_media_count,
    p.is_private AS profile_is_private,
    p.profile_pic_url AS profile_pic_url,
    r.media_id AS reel_id,
    r.shortcode AS reel_shortcode,
    r.url AS reel_url,
    r.thumbnail_url AS reel_thumbnail_url,
    r.caption AS reel_caption,
    r.likes AS reel_likes,
    r.comments AS reel_comments,
    COALESCE(r.plays, r.views) AS reel_views,
    {iso.format(col="r.posted_at")} AS reel_date_posted,
    {duration} AS reel_duration,
    r.is_video AS reel_is_video,
    {json_text.format(col="r.hashtags")} AS reel_hashtags,
    {json_text.format(col="r.mentions")} AS reel_mentions,
    {iso.format(col="a.created_at")} AS created_at,
    {iso.format(col="a.updated_at")} AS updated_at
FROM analyses a
LEFT JOIN profile_snapshots p ON p.analysis_id = a.id
LEFT JOIN reels r ON r.analysis_id = a.id AND a.status = 'completed'
"""
