"""Baseline: analyses, profile snapshots, reels and the instagram_data view.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Adopts a database created before migrations existed (by ``create_all``): each table and index is
created only when missing, and the view is always re-created from this revision's copy of its SQL, ``VIEW_SQL``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table, replace_view

revision = "0001"
down_revision = None
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


def upgrade() -> None:
    if not has_table("analyses"):
        op.create_table(
            "analyses",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("username", sa.String(length=30), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("progress", sa.Integer(), nullable=False),
            sa.Column("status_message", sa.Text(), nullable=True),
            sa.Column("error_kind", sa.String(length=32), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("error_detail", sa.Text(), nullable=True),
            sa.Column("max_reels", sa.Integer(), nullable=True),
            sa.Column("reels_expected", sa.Integer(), nullable=True),
            sa.Column("reels_fetched", sa.Integer(), nullable=False),
            sa.Column("rate_limited_until", sa.DateTime(timezone=True), nullable=True),
            sa.Column("cancel_requested", sa.Boolean(), nullable=False),
            sa.Column("owner", sa.String(length=128), nullable=True),
            sa.Column("is_demo", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
    create_index_if_missing("ix_analyses_created_at", "analyses", ["created_at"])
    create_index_if_missing("ix_analyses_status", "analyses", ["status"])
    create_index_if_missing("ix_analyses_username_created", "analyses", ["username", "created_at"])

    if not has_table("profile_snapshots"):
        op.create_table(
            "profile_snapshots",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("instagram_user_id", sa.String(length=32), nullable=False),
            sa.Column("username", sa.String(length=30), nullable=False),
            sa.Column("full_name", sa.Text(), nullable=True),
            sa.Column("biography", sa.Text(), nullable=True),
            sa.Column("followers", sa.Integer(), nullable=True),
            sa.Column("following", sa.Integer(), nullable=True),
            sa.Column("media_count", sa.Integer(), nullable=True),
            sa.Column("is_private", sa.Boolean(), nullable=False),
            sa.Column("is_verified", sa.Boolean(), nullable=True),
            sa.Column("profile_pic_url", sa.Text(), nullable=True),
            sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("analysis_id"),
        )
    create_index_if_missing("ix_profile_snapshots_user_id", "profile_snapshots", ["instagram_user_id"])

    if not has_table("reels"):
        op.create_table(
            "reels",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("media_id", sa.String(length=32), nullable=False),
            sa.Column("shortcode", sa.String(length=32), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("thumbnail_url", sa.Text(), nullable=True),
            sa.Column("caption", sa.Text(), nullable=True),
            sa.Column("likes", sa.Integer(), nullable=True),
            sa.Column("comments", sa.Integer(), nullable=True),
            sa.Column("plays", sa.Integer(), nullable=True),
            sa.Column("views", sa.Integer(), nullable=True),
            sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("duration", sa.Float(), nullable=True),
            sa.Column("product_type", sa.String(length=32), nullable=True),
            sa.Column("is_pinned", sa.Boolean(), nullable=False),
            sa.Column("is_video", sa.Boolean(), nullable=False),
            sa.Column("hashtags", sa.JSON(), nullable=False),
            sa.Column("mentions", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("analysis_id", "media_id", name="uq_reels_analysis_media"),
        )
    create_index_if_missing("ix_reels_analysis_position", "reels", ["analysis_id", "position"])
    create_index_if_missing("ix_reels_media_id", "reels", ["media_id"])
    create_index_if_missing("ix_reels_posted_at", "reels", ["posted_at"])

    replace_view(VIEW_SQL)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS instagram_data")
    op.drop_table("reels")
    op.drop_table("profile_snapshots")
    op.drop_table("analyses")
