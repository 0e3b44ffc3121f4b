"""Analysis lease (core.jobs.lease): when the process running an analysis last promised to keep it.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from core.storage.migrations import drop_view, replace_view

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in inspect(op.get_bind()).get_columns("analyses")}
    if "lease_expires_at" not in columns:  # a pre-migration database may have it from create_all
        # ADD COLUMN leaves the table (and the instagram_data view over it) in place on SQLite too.
        op.add_column("analyses", sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    drop_view()  # SQLite rebuilds the table to drop a column; the view over it goes first
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("lease_expires_at")
    replace_view()
