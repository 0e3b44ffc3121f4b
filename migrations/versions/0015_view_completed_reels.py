"""The ``instagram_data`` view joins reels of completed analyses only.

Reels are now stored page by page while an analysis runs (issue 28), so a running or failed analysis can have
reels in the store. The view keeps showing what it always showed: reel rows for completed analyses, and one row
with the ``reel_*`` columns NULL for every other analysis. No table changes.

Revision ID: 0015
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from core.storage.migrations import replace_view

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COMPLETED_ONLY = "LEFT JOIN reels r ON r.analysis_id = a.id AND a.status = 'completed'\n"
EVERY_ANALYSIS = "LEFT JOIN reels r ON r.analysis_id = a.id\n"

VIEW_SQL = {  # this revision's own copy of the instagram_data view
    "sqlite": """
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
    strftime('%Y-%m-%dT%H:%M:%S+00:00', r.posted_at) AS reel_date_posted,
    CAST(ROUND(r.duration) AS INTEGER) AS reel_duration,
    r.is_video AS reel_is_video,
    CAST(r.hashtags AS TEXT) AS reel_hashtags,
    CAST(r.mentions AS TEXT) AS reel_mentions,
    strftime('%Y-%m-%dT%H:%M:%S+00:00', a.created_at) AS created_at,
    strftime('%Y-%m-%dT%H:%M:%S+00:00', a.updated_at) AS updated_at
FROM analyses a
LEFT JOIN profile_snapshots p ON p.analysis_id = a.id
LEFT JOIN reels r ON r.analysis_id = a.id AND a.status = 'completed'
""",
    "postgresql": """
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
    to_char(r.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS reel_date_posted,
    CAST(ROUND(CAST(r.duration AS NUMERIC)) AS INTEGER) AS reel_duration,
    r.is_video AS reel_is_video,
    CAST(r.hashtags AS TEXT) AS reel_hashtags,
    CAST(r.mentions AS TEXT) AS reel_mentions,
    to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS created_at,
    to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS updated_at
FROM analyses a
LEFT JOIN profile_snapshots p ON p.analysis_id = a.id
LEFT JOIN reels r ON r.analysis_id = a.id AND a.status = 'completed'
""",
}


def upgrade() -> None:
    replace_view(VIEW_SQL)


def downgrade() -> None:
    replace_view({dialect: sql.replace(COMPLETED_ONLY, EVERY_ANALYSIS) for dialect, sql in VIEW_SQL.items()})
