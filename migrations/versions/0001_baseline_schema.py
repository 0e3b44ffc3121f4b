"""Baseline: analyses, profile snapshots, reels and the instagram_data view.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Adopts a database created before migrations existed (by ``create_all``): each table and index is
created only when missing, and the view is always re-created from ``core.storage.engine.instagram_data_view_sql``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table, replace_view

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


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

    replace_view()


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS instagram_data")
    op.drop_table("reels")
    op.drop_table("profile_snapshots")
    op.drop_table("analyses")
