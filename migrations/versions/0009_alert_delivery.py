"""Alert delivery bookkeeping (core.watchlists.delivery): how many runs have tried to send an alert, and until when
one run holds it (so two runs never send the same alert at once). Also: image URLs stored before they were
checked that are not web URLs (a local path, ``file:``) become NULL, as the scraper now stores them. The
``instagram_data`` view is unchanged.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _existing_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("alerts")}


def upgrade() -> None:
    existing = _existing_columns()  # a database made by create_all may have them already
    if "delivery_rounds" not in existing:
        op.add_column("alerts", sa.Column("delivery_rounds", sa.Integer(), nullable=False, server_default="0"))
    if "delivery_claimed_until" not in existing:
        op.add_column("alerts", sa.Column("delivery_claimed_until", sa.DateTime(timezone=True), nullable=True))
    for table, column in (("reels", "thumbnail_url"), ("profile_snapshots", "profile_pic_url")):
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL "
                   f"AND lower(trim({column})) NOT LIKE 'http://%' AND lower(trim({column})) NOT LIKE 'https://%'")


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("delivery_claimed_until")
        batch.drop_column("delivery_rounds")
