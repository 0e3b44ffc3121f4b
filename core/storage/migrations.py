"""Alembic migrations own the schema (tables, indexes, the ``instagram_data`` view) on SQLite and PostgreSQL.

``upgrade(engine)`` brings a database to the code's head revision; every start-up calls it through
``core.storage.engine.ensure_schema``. Several processes starting at once are safe: PostgreSQL takes a
session-level advisory lock, SQLite an exclusive ``flock`` on ``<database file>.migrate-lock``.
A database whose revision this code does not know (created by newer code) is refused with
``SchemaTooNew`` rather than touched.
"""

from __future__ import annotations

import fcntl
import logging
import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from core.settings import PROJECT_ROOT

log = logging.getLogger("reelscope.migrations")

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
ADVISORY_LOCK_KEY = 0x5EE15C0BE  # "reelscope": any constant shared by every ReelScope process
_local_lock = threading.Lock()  # flock is per open file, so threads of one process also serialise here


class SchemaTooNew(RuntimeError):
    """The database was migrated by newer ReelScope code than this one."""

    def __init__(self, current: str, head: str, url: str) -> None:
        self.current, self.head = current, head
        super().__init__(
            f"The database ({url}) is at schema revision {current}, which this version of ReelScope does not "
            f"know: newer ReelScope code has upgraded it (this code's newest revision is {head}). Refusing to "
            f"start. Update ReelScope (e.g. git pull and reinstall the requirements), or point DATABASE_URL at "
            f"another database.")


def alembic_config(connection: Connection | None = None, url: str | None = None):
    from alembic.config import Config

    ini = PROJECT_ROOT / "alembic.ini"  # a checkout has it; an installed copy has only the scripts
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in _script().walk_revisions()}


def current_revision(connectable: Engine | Connection) -> str | None:
    """The database's revision (None: never migrated, or empty)."""
    from alembic.runtime.migration import MigrationContext

    if isinstance(connectable, Engine):
        with connectable.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return MigrationContext.configure(connectable).get_current_revision()


def _display_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def check_not_newer(engine: Engine, current: str | None) -> None:
    if current is not None and current not in known_revisions():
        raise SchemaTooNew(current, head_revision(), _display_url(engine))


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection holding the cross-process migration lock for this database."""
    with _local_lock, engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                conn.commit()
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            lock_path = Path(f"{engine.url.database}.migrate-lock")
            with open(lock_path, "a+b") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
                try:
                    yield conn
                finally:
                    fcntl.flock(lock_file, fcntl.LOCK_UN)
        else:
            yield conn


_REVISION = re.compile(r"""^revision\s*(?::\s*str)?\s*=\s*["']([^"']+)["']\s*$""", re.M)
_DOWN_REVISION = re.compile(r"""^down_revision\s*(?::[^=\n]*)?=\s*(?:None|["']([^"']+)["'])\s*$""", re.M)


@lru_cache(maxsize=1)
def head_from_files() -> str | None:
    """The head revision read from the scripts' ``revision = "…"`` / ``down_revision = …`` lines, without importing
    Alembic (which costs ~0.3 s of every start-up); None when a script is not that simple (Alembic then decides)."""
    revisions, parents = set(), set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(found) != 1 or len(down) != 1:
            return None
        revisions.add(found[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _stored_revisions(engine: Engine) -> list[str] | None:
    """The ``alembic_version`` rows with plain SQL; None when there is no such table (never migrated)."""
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError:
        return None


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate to ``revision`` (head by default) under the migration lock; return the new revision.

    Raises SchemaTooNew, without changing anything, when the database is at a revision this code does not know.
    A database already at head is recognised with one SELECT, without importing Alembic.
    """
    if revision == "head":
        head = head_from_files()
        if head is not None and _stored_revisions(engine) == [head]:
            return head  # the common case at every start-up
    from alembic import command

    if revision == "head":
        current = current_revision(engine)
        check_not_newer(engine, current)
        if current == head_revision():
            return current  # the common case: no lock needed
    with migration_lock(engine) as conn:
        current = current_revision(conn)
        check_not_newer(engine, current)
        if revision == "head" and current == head_revision():
            return current  # another process migrated while we waited
        log.info("migrating %s from %s to %s", _display_url(engine), current or "an empty database", revision)
        command.upgrade(alembic_config(conn), revision)
        conn.commit()
        return current_revision(conn)


def downgrade(engine: Engine, revision: str) -> str | None:
    from alembic import command

    with migration_lock(engine) as conn:
        command.downgrade(alembic_config(conn), revision)
        conn.commit()
        return current_revision(conn)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down_revision, first line of the message), oldest first."""
    revisions = list(_script().walk_revisions())
    revisions.reverse()
    return [(s.revision, s.down_revision if isinstance(s.down_revision, str) or s.down_revision is None
             else ",".join(s.down_revision), (s.doc or "").splitlines()[0] if s.doc else "") for s in revisions]


# ---- helpers for the migration scripts (run inside an Alembic context) ----

def has_table(name: str) -> bool:
    from alembic import op

    return inspect(op.get_bind()).has_table(name)


def create_index_if_missing(name: str, table: str, columns: list[str], unique: bool = False) -> None:
    from alembic import op

    existing = {ix["name"] for ix in inspect(op.get_bind()).get_indexes(table)}
    if name not in existing:
        op.create_index(name, table, columns, unique=unique)


def drop_view() -> None:
    """Drop ``instagram_data`` (a migration altering the tables under it on SQLite does this first)."""
    from alembic import op

    op.execute("DROP VIEW IF EXISTS instagram_data")


def replace_view(view_sql: dict[str, str]) -> None:
    """(Re-)create ``instagram_data`` from the calling revision's own copy of its SQL (``{dialect: CREATE VIEW …}``)."""
    from alembic import op

    drop_view()
    op.execute(view_sql[op.get_bind().dialect.name])
