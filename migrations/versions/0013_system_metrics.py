"""Operations: an index counting analyses by outcome (/metrics), worker heartbeats, Instagram request counts per minute, built-in system alerts
(core.storage.models.WorkerHeartbeat, InstagramRequestCount, SystemAlert).

Revision ID: 0013
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_index_if_missing("ix_analyses_outcome", "analyses", ["status", "error_kind", "data_source"])
    if not has_table("worker_heartbeats"):
        op.create_table(
            "worker_heartbeats",
            sa.Column("name", sa.String(length=160), nullable=False),
            sa.Column("mode", sa.String(length=16), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if not has_table("instagram_request_counts"):
        op.create_table(
            "instagram_request_counts",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
            sa.Column("capability", sa.String(length=32), nullable=False),
            sa.Column("route", sa.String(length=64), nullable=False),
            sa.Column("outcome", sa.String(length=16), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    create_index_if_missing("ix_instagram_request_counts_minute", "instagram_request_counts", ["minute"])
    if not has_table("system_alerts"):
        op.create_table(
            "system_alerts",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("rule", sa.String(length=32), nullable=False),
            sa.Column("open_rule", sa.String(length=32), nullable=True),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("value", sa.Float(), nullable=True),
            sa.Column("threshold", sa.Float(), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("fired_delivered_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("resolved_delivered_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("delivery_attempts", sa.Integer(), nullable=False),
            sa.Column("delivery_error", sa.Text(), nullable=True),
            sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("open_rule", name="uq_system_alerts_open_rule"),
        )
    create_index_if_missing("ix_system_alerts_rule_started", "system_alerts", ["rule", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_analyses_outcome", table_name="analyses")
    op.drop_table("system_alerts")
    op.drop_table("instagram_request_counts")
    op.drop_table("worker_heartbeats")
