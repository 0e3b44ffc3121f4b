"""Who asked for each analysis, watch and export (``requested_by``: a signed-in email, an API token's name, "cli"
or "dashboard"), and the Instagram access an analysis was asked to use (``requested_access``: "anonymous", or
NULL for the stored session when there is one). Existing rows keep NULL: nobody recorded who asked for them.
The ``instagram_data`` view is unchanged.

Revision ID: 0014
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect, text

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (("analyses", "requested_by", sa.String(length=320)),
           ("analyses", "requested_access", sa.String(length=16)),
           ("watches", "requested_by", sa.String(length=320)),
           ("exports", "requested_by", sa.String(length=320)))


def _existing(table: str) -> set[str]:
    return {c["name"] for c in inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    for table, name, type_ in COLUMNS:  # a database made by create_all may have them already
        if name not in _existing(table):
            op.add_column(table, sa.Column(name, type_, nullable=True))


def _view_sql() -> str | None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return bind.execute(text("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'instagram_data'"))\
            .scalar()
    return None  # PostgreSQL drops columns the view does not select without touching it


def downgrade() -> None:
    view = _view_sql()  # SQLite rebuilds the tables under the view: drop it and put the same one back
    if view:
        op.execute("DROP VIEW IF EXISTS instagram_data")
    for table, name, _ in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(name)
    if view:
        op.execute(view)
