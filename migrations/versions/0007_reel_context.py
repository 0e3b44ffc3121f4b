"""Per-reel context on the reels table (the context fields of core.domain.reel_fields): collaborators, sponsorship,
tagged users, place, audio and whether comments are off. Every column is nullable: NULL means Instagram did
not send the field. The ``instagram_data`` view is unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import drop_view, replace_view

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

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
LEFT JOIN reels r ON r.analysis_id = a.id
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
LEFT JOIN reels r ON r.analysis_id = a.id
""",
}

COLUMNS = (
    ("collaborators", sa.JSON()),
    ("is_paid_partnership", sa.Boolean()),
    ("sponsors", sa.JSON()),
    ("tagged_users", sa.JSON()),
    ("location_name", sa.Text()),
    ("location_id", sa.String(length=32)),
    ("audio_type", sa.String(length=16)),
    ("audio_title", sa.Text()),
    ("audio_artist", sa.Text()),
    ("audio_id", sa.String(length=32)),
    ("comments_disabled", sa.Boolean()),
)


def _existing_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("reels")}


def upgrade() -> None:
    existing = _existing_columns()  # a database made by create_all may have them already
    for name, type_ in COLUMNS:
        if name not in existing:
            op.add_column("reels", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    drop_view()
    with op.batch_alter_table("reels") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
    replace_view(VIEW_SQL)
