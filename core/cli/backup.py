"""`python -m core backup [-o PATH]` and `python -m core restore PATH [--no-safety-backup]`.

SQLite: the online backup API (a consistent copy while the app runs). PostgreSQL: ``pg_dump`` in its
custom format, restored with ``pg_restore --clean --single-transaction``. Restore replaces the contents
of the database at DATABASE_URL, first saving what was there (unless ``--no-safety-backup``), and then
upgrades the restored schema to this code's head revision. A backup from newer code is refused.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from core.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


def register(sub) -> None:
    backup = sub.add_parser("backup", help="back up the database (SQLite online backup, or pg_dump)",
                            description="Write a consistent copy of the database at DATABASE_URL; safe while "
                                        "the dashboard and workers run.")
    backup.add_argument("-o", "--output", metavar="PATH",
                        help="the backup file (default: $REELSCOPE_BACKUP_DIR, else data/backups, /reelscope-<UTC time>"
                             ".db for SQLite, .dump for PostgreSQL)")
    backup.set_defaults(run=run_backup)
    restore = sub.add_parser("restore", help="replace the database's contents with a backup",
                             description="Replace everything in the database at DATABASE_URL with the backup at "
                                         "PATH (made by `python -m core backup`), then upgrade its schema.")
    restore.add_argument("path", metavar="PATH")
    restore.add_argument("--no-safety-backup", action="store_true",
                         help="do not back up the current contents first")
    restore.set_defaults(run=run_restore)


def _database_url() -> URL:
    from core.settings import load_settings

    return make_url(load_settings().database_url)


def backup_dir() -> Path:
    from core.settings import load_settings

    return load_settings().backup_dir


def _default_path(url: URL) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return backup_dir() / f"reelscope-{stamp}.{'db' if url.get_backend_name() == 'sqlite' else 'dump'}"


def _pg_tool(name: str) -> str:
    """The newest pg_dump/pg_restore: PATH first, then Debian's /usr/lib/postgresql/<version>/bin."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _pg_args_env(url: URL) -> tuple[list[str], dict]:
    """Connection arguments for the libpq tools; the password goes in the environment, not argv."""
    env = dict(os.environ)  # the libpq tools' own environment, passed on (not a ReelScope setting)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or "postgres"]
    return args, env


def backup(url: URL, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or not Path(url.database).exists():
            raise BackupError(f"no SQLite database file at {url.database!r}")
        partial = output.with_name(output.name + ".partial")
        source = sqlite3.connect(url.database, timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        os.replace(partial, output)
        return output
    if url.get_backend_name() == "postgresql":
        args, env = _pg_args_env(url)
        result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), *args],
                                env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return output
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _backup_revision(url: URL, path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(16)
    if url.get_backend_name() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
        finally:
            conn.close()
        return row[0] if row else None
    if not head.startswith(PGDUMP_MAGIC):
        raise BackupError(f"{path} is not a pg_dump custom-format backup")
    result = subprocess.run([_pg_tool("pg_restore"), "--data-only", "--table", "alembic_version", "--file", "-",
                             str(path)], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines) and lines[i + 1] != "\\.":
            return lines[i + 1].strip()
    return None


def restore(url: URL, path: Path) -> None:
    from core.storage import migrations

    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    revision = _backup_revision(url, path)
    if revision is not None and revision not in migrations.known_revisions():
        raise BackupError(f"{path} was made by newer ReelScope code (schema revision {revision}); update ReelScope "
                          f"before restoring it")
    if url.get_backend_name() == "sqlite":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(url.database, timeout=30)
        try:
            source.backup(target)  # replaces every page of the target, under its write lock
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_args_env(url)
        result = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 "--exit-on-error", *args, str(path)],
                                env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()}")


def _has_data(url: URL) -> bool:
    if url.get_backend_name() == "sqlite" and (not url.database or not Path(url.database).exists()):
        return False
    from sqlalchemy import inspect, text

    from core.storage.engine import make_engine

    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        if not inspect(engine).has_table("analyses"):
            return False
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT COUNT(*) FROM analyses")).scalar())
    finally:
        engine.dispose()


def run_backup(args: argparse.Namespace) -> int:
    url = _database_url()
    output = Path(args.output) if args.output else _default_path(url)
    try:
        from core.storage.engine import get_database
        get_database(url.render_as_string(hide_password=False))  # a migrated, consistent schema first
        written = backup(url, output)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(written)
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    url = _database_url()
    path = Path(args.path)
    if not path.is_file():
        print(f"error: no backup file at {path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if not args.no_safety_backup and _has_data(url):
            default = _default_path(url)
            saved = backup(url, default.with_stem(default.stem + "-before-restore"))
            print(f"the current contents were saved to {saved}", file=sys.stderr)
        restore(url, path)
        from core.storage.engine import make_engine
        from core.storage.migrations import upgrade
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            revision = upgrade(engine)
        finally:
            engine.dispose()
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"restored {path} into {url.render_as_string(hide_password=True)} (schema revision {revision})")
    return EXIT_OK
