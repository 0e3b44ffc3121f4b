"""Topics per analysis (core.storage.models.AnalysisTopics): the topics core.analytics.topics found and each
reel's topic, kept so pages, exports and the API need not recompute them. The ``instagram_data`` view is unchanged.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import has_table

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("analysis_topics"):  # a database made by create_all may have it already
        op.create_table(
            "analysis_topics",
            sa.Column("analysis_id", sa.String(length=36), nullable=False),
            sa.Column("stamp", sa.String(length=96), nullable=False),
            sa.Column("topics", sa.JSON(), nullable=False),
            sa.Column("assignments", sa.JSON(), nullable=False),
            sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["analysis_id"], ["analyses.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("analysis_id"),
        )


def downgrade() -> None:
    op.drop_table("analysis_topics")
