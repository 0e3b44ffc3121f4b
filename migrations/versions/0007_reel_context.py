"""Per-reel context on the reels table (core.reel_context.CONTEXT_FIELDS): collaborators, sponsorship,
tagged users, place, audio and whether comments are off. Every column is nullable: NULL means Instagram did
not send the field. The ``instagram_data`` view is unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.migrations import drop_view, replace_view

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (
    ("collaborators", sa.JSON()),
    ("is_paid_partnership", sa.Boolean()),
    ("sponsors", sa.JSON()),
    ("tagged_users", sa.JSON()),
    ("location_name", sa.Text()),
    ("location_id", sa.String(length=32)),
    ("audio_type", sa.String(length=16)),
    ("audio_title", sa.Text()),
    ("audio_artist", sa.Text()),
    ("audio_id", sa.String(length=32)),
    ("comments_disabled", sa.Boolean()),
)


def _existing_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("reels")}


def upgrade() -> None:
    existing = _existing_columns()  # a database made by create_all may have them already
    for name, type_ in COLUMNS:
        if name not in existing:
            op.add_column("reels", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    drop_view()
    with op.batch_alter_table("reels") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
    replace_view()
