"""analyses.data_source: where an analysis's data came from (instagram, emulator, other).

Existing analyses made in demo mode become ``emulator``; every other one ``instagram`` (the default), since
nothing recorded which origin they were fetched from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from core.migrations import drop_view, replace_view

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in inspect(op.get_bind()).get_columns("analyses")}
    if "data_source" not in columns:
        # ADD COLUMN: SQLite keeps the instagram_data view (it does not select this column) as it is.
        op.add_column("analyses", sa.Column("data_source", sa.String(length=16), nullable=False,
                                            server_default="instagram"))
    op.execute("UPDATE analyses SET data_source = 'emulator' WHERE is_demo")


def downgrade() -> None:
    drop_view()  # SQLite rebuilds the table under the view
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("data_source")
    replace_view()
