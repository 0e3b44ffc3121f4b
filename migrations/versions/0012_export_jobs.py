"""Export jobs (core.storage.models.ExportJob): exports built into files for signed, expiring download links.

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import create_index_if_missing, has_table

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("export_jobs"):  # a database made with create_all may have it already
        op.create_table(
            "export_jobs",
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("cache_key", sa.String(length=64), nullable=False),
            sa.Column("options", sa.JSON(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("progress", sa.Integer(), nullable=False),
            sa.Column("rows", sa.Integer(), nullable=True),
            sa.Column("bytes", sa.Integer(), nullable=True),
            sa.Column("sha256", sa.String(length=64), nullable=True),
            sa.Column("filename", sa.Text(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("record_id", sa.String(length=36), nullable=True),
            sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
    create_index_if_missing("ix_export_jobs_cache_key", "export_jobs", ["cache_key", "created_at"])
    create_index_if_missing("ix_export_jobs_expires_at", "export_jobs", ["expires_at"])


def downgrade() -> None:
    op.drop_table("export_jobs")
