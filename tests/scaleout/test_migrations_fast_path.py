"""The start-up check that skips Alembic when the database is already at head (core.storage.migrations.upgrade)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, text

from core.storage.migrations import current_revision, head_from_files, head_revision, upgrade


def test_the_head_read_from_the_files_is_alembics_head():
    assert head_from_files() == head_revision()


def test_a_database_at_head_is_recognised_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(create_engine(url))  # a fresh database: migrated by Alembic
    assert current_revision(create_engine(url)) == head_revision()
    code = ("import sys; from sqlalchemy import create_engine; from core.storage.migrations import upgrade; "
            f"print(upgrade(create_engine({url!r}))); print('alembic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [head_revision(), "False"]


def test_a_database_behind_or_ahead_still_goes_through_alembic(tmp_path):
    import pytest

    from core.storage.migrations import SchemaTooNew

    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(SchemaTooNew):
        upgrade(engine)
