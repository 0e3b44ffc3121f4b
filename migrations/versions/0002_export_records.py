"""Export records (core.storage.models.ExportRecord): enough to regenerate an export's exact bytes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("exports"):  # a pre-migration database may have it from create_all
        op.create_table(
            "exports",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("format", sa.String(length=8), nullable=False),
            sa.Column("fields", sa.JSON(), nullable=False),
            sa.Column("filters", sa.JSON(), nullable=True),
            sa.Column("plain", sa.Boolean(), nullable=False),
            sa.Column("gzip", sa.Boolean(), nullable=False),
            sa.Column("rows", sa.Integer(), nullable=False),
            sa.Column("bytes", sa.Integer(), nullable=False),
            sa.Column("sha256", sa.String(length=64), nullable=False),
            sa.Column("filename", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
    create_index_if_missing("ix_exports_analysis_created", "exports", ["analysis_id", "created_at"])


def downgrade() -> None:
    op.drop_table("exports")
