"""Instagram routes refused as retired (core.storage.models.RouteRefusal), shared by every process.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import has_table

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not has_table("instagram_route_refusals"):
        op.create_table(
            "instagram_route_refusals",
            sa.Column("route", sa.String(length=80), primary_key=True),
            sa.Column("capability", sa.String(length=32), nullable=False),
            sa.Column("status", sa.Integer(), nullable=False),
            sa.Column("message", sa.Text(), nullable=False),
            sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("instagram_route_refusals")
