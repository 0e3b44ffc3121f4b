"""How each analysis reached Instagram, and what Instagram withheld from it.

``analyses.access``: "anonymous" or "logged in as @name"; ``analyses.access_notice``: a sentence when the
access was not what the user set up (a stored session that expired); ``analyses.withheld_fields``: the
export field names Instagram sent no value for (e.g. ["plays", "views"] anonymously).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.migrations import drop_view, replace_view

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("access", sa.String(length=64)),
    ("access_notice", sa.Text()),
    ("withheld_fields", sa.JSON()),
)


def _existing_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("analyses")}


def upgrade() -> None:
    existing = _existing_columns()  # a database made by create_all may have them already
    for name, type_ in COLUMNS:
        if name not in existing:
            op.add_column("analyses", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    drop_view()
    with op.batch_alter_table("analyses") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
    replace_view()
