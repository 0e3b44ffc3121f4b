"""Alembic migrations on SQLite and PostgreSQL; backup and restore; `python -m core db …`."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from core.storage.engine import Database, make_engine
from core.storage.migrations import SchemaTooNew, current_revision, head_revision
from core.storage.models import Base
from tests.scaleout.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(autouse=True)
def _backups_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("REELSCOPE_BACKUP_DIR", str(tmp_path / "backups"))


def run_core(args, env_url, **extra):
    env = {**os.environ, "DATABASE_URL": env_url, **extra}
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_migrations_build_exactly_the_models_and_the_view(any_url):
    db = Database(any_url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            views = inspect(conn).get_view_names()
        assert diff == [], f"core/storage/models.py and migrations/ differ; add a migration: {diff}"
        assert "instagram_data" in views
    finally:
        db.dispose()


def test_concurrent_start_up_migrates_once_and_safely(any_url):
    code = "import sys; from core.storage.engine import Database; Database(sys.argv[1]); print('ok')"
    processes = [subprocess.Popen([sys.executable, "-c", code, any_url], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(5)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 5, outputs
    engine = make_engine(any_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_threads_starting_at_once_are_safe_too(tmp_path):
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    with ThreadPoolExecutor(4) as pool:
        databases = list(pool.map(lambda _: Database(url), range(4)))
    assert {current_revision(d.engine) for d in databases} == {head_revision()}


def test_a_database_newer_than_the_code_is_refused_with_a_clear_message(any_url):
    Database(any_url).dispose()
    engine = create_engine(any_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="newer ReelScope code"):
        Database(any_url)
    result = run_core(["db", "current"], any_url)
    assert result.returncode == 1 and "9999_from_the_future" in result.stderr and "Refusing" in result.stderr
    result = run_core(["jobs"], any_url)
    assert result.returncode != 0 and "newer ReelScope code" in result.stderr


def test_a_database_made_before_migrations_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    from core.storage.views import instagram_data_view_sql

    engine = make_engine(url)
    Base.metadata.create_all(engine)  # how the schema was made before Alembic
    with engine.begin() as conn:
        conn.execute(text(instagram_data_view_sql("sqlite")))
        conn.execute(text("INSERT INTO analyses (id, username, status, progress, reels_fetched, cancel_requested, "
                          "is_demo, created_at, updated_at) VALUES ('a1', 'old', 'completed', 100, 0, 0, 0, "
                          "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    engine.dispose()
    db = Database(url)
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT profile_username FROM instagram_data")).scalar() == "old"


def test_a_store_of_the_previous_release_is_upgraded_and_keeps_its_analyses(any_url):
    from alembic import command

    from core.storage.migrations import alembic_config

    engine = make_engine(any_url)
    with engine.begin() as conn:  # the schema as the release before issues 12-17 left it (revision 0002)
        command.upgrade(alembic_config(conn, any_url), "0002")
        conn.execute(text("INSERT INTO analyses (id, username, status, progress, reels_fetched, cancel_requested, "
                          "is_demo, created_at, updated_at) VALUES ('a1', 'old', 'completed', 100, 0, false, false, "
                          "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    engine.dispose()
    db = Database(any_url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT username, data_source, lease_expires_at FROM analyses")).one()
            assert conn.execute(text("SELECT profile_username FROM instagram_data")).scalar() == "old"
        assert (row.username, row.data_source, row.lease_expires_at) == ("old", "instagram", None)
    finally:
        db.dispose()


def test_db_commands(any_url):
    result = run_core(["db", "current"], any_url)
    assert result.returncode == 0 and "none" in result.stdout and "behind" in result.stdout
    result = run_core(["db", "upgrade"], any_url)
    assert result.returncode == 0 and f"-> {head_revision()}" in result.stdout, result.stderr
    result = run_core(["db", "current"], any_url)
    assert result.returncode == 0 and "(head)" in result.stdout
    result = run_core(["db", "history"], any_url)
    assert result.returncode == 0 and "base -> 0001" in result.stdout and "(head)" in result.stdout
    result = run_core(["db", "downgrade", "base"], any_url)
    assert result.returncode == 0, result.stderr
    result = run_core(["db", "upgrade"], any_url)
    assert result.returncode == 0, result.stderr


def _all_rows(url: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {table: sorted(tuple(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {table}")))
                    for table in ("analyses", "profile_snapshots", "reels", "exports", "instagram_data")}
    finally:
        engine.dispose()


def test_backup_delete_restore_gives_the_same_rows(any_url, tmp_path, emulator):
    env = {"INSTAGRAM_BASE_URL": emulator.url, "REELSCOPE_RATE_LIMIT_SCALE": "0", "REELSCOPE_MAX_ATTEMPTS": "1",
           "REELSCOPE_QUEUE": "thread"}
    assert run_core(["analyze", "few_posts", "hidden_likes", "private_account"], any_url, **env).returncode == 1
    before = _all_rows(any_url)
    assert len(before["reels"]) > 3 and len(before["analyses"]) == 3

    backup_path = tmp_path / "backup.bin"
    result = run_core(["backup", "-o", str(backup_path)], any_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(backup_path) and backup_path.stat().st_size > 0

    engine = make_engine(any_url)  # delete: everything gone, plus a new analysis that must not survive
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM reels"))
        conn.execute(text("DELETE FROM profile_snapshots"))
        conn.execute(text("DELETE FROM analyses"))
    engine.dispose()
    assert run_core(["analyze", "few_posts"], any_url, **env).returncode == 0
    assert _all_rows(any_url) != before

    result = run_core(["restore", str(backup_path)], any_url)
    assert result.returncode == 0, result.stderr
    assert "saved to" in result.stderr  # the replaced contents were backed up first
    assert len(list((tmp_path / "backups").glob("*-before-restore.*"))) == 1
    assert _all_rows(any_url) == before


def test_restore_into_an_empty_database_and_refuse_garbage(any_url, tmp_path):
    Database(any_url).dispose()
    backup_path = tmp_path / "b.bin"
    assert run_core(["backup", "-o", str(backup_path)], any_url).returncode == 0
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"not a backup at all")
    result = run_core(["restore", str(garbage)], any_url)
    assert result.returncode == 1 and "not a" in result.stderr
    assert run_core(["restore", str(tmp_path / "missing")], any_url).returncode == 2
    assert run_core(["restore", str(backup_path), "--no-safety-backup"], any_url).returncode == 0
