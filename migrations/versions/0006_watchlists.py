"""Watchlists and alerts (core.storage.models.Watch, core.storage.models.Alert): scheduled re-analyses and what they found.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("watches"):
        op.create_table(
            "watches",
            sa.Column("username", sa.String(length=30), nullable=False),
            sa.Column("every_seconds", sa.Integer(), nullable=False),
            sa.Column("max_reels", sa.Integer(), nullable=True),
            sa.Column("last_analysis_id", sa.String(length=36), nullable=True),
            sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["last_analysis_id"], ["analyses.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("username"),
        )
    if not has_table("alerts"):
        op.create_table(
            "alerts",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("previous_analysis_id", sa.String(length=36), nullable=True),
            sa.Column("username", sa.String(length=30), nullable=False),
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("subject", sa.String(length=64), nullable=False),
            sa.Column("shortcode", sa.String(length=32), nullable=True),
            sa.Column("metric", sa.String(length=16), nullable=False),
            sa.Column("value", sa.Float(), nullable=False),
            sa.Column("threshold", sa.Float(), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("delivery_attempts", sa.Integer(), nullable=False),
            sa.Column("delivery_error", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("analysis_id", "kind", "subject", name="uq_alerts_analysis_kind_subject"),
        )
    create_index_if_missing("ix_alerts_username_created", "alerts", ["username", "created_at"])
    create_index_if_missing("ix_alerts_created_at", "alerts", ["created_at"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("watches")
