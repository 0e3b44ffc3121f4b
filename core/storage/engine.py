"""The database: engine set-up (SQLite WAL, foreign keys, busy timeout), schema and the contract view."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from core.settings import load_settings


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_database_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked/busy", which a retry resolves once the other writer commits."""
    return isinstance(exc, OperationalError) and any(
        word in str(exc).lower() for word in ("database is locked", "database is busy", "database table is locked"))


retry_when_locked = retry(retry=retry_if_exception(is_database_locked), stop=stop_after_attempt(8),
                          wait=wait_exponential_jitter(multiplier=0.05, max=2.0, jitter=0.05), reraise=True)


def _busy_timeout_ms() -> int:
    return load_settings().sqlite_busy_ms


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_busy_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; a SQLite file's folder is created when missing."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):  # not a URI
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, json_serializer=_json_dumps,
                               connect_args={"check_same_thread": False, "timeout": _busy_timeout_ms() / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    # A pool per process (Celery's prefork children dispose the inherited one, see core.jobs.celery_app);
    # sessions are never shared between threads. Sizes: REELSCOPE_DB_POOL_SIZE / REELSCOPE_DB_MAX_OVERFLOW.
    return create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True, pool_recycle=1800,
                         pool_size=load_settings().db_pool_size, max_overflow=load_settings().db_max_overflow)


def ensure_schema(engine: Engine) -> None:
    """Bring the schema (tables, indexes, the ``instagram_data`` view) to the code's Alembic head.

    Safe when several processes start at once (a migration lock); raises ``core.storage.migrations.SchemaTooNew``
    with a clear message, changing nothing, when newer code has already migrated the database.
    """
    from core.storage.migrations import upgrade

    upgrade(engine)


class Database:
    """An engine with its schema ensured and a session factory. The caller owns each session."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        ensure_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """``with db.transaction() as s:`` commits on success and rolls back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


def get_database(database_url: str | None = None) -> Database:
    """The process-wide Database for a URL (``DATABASE_URL`` or the SQLite default when omitted)."""
    url = database_url or load_settings().database_url
    with _databases_lock:
        if url not in _databases:
            _databases[url] = Database(url)
        return _databases[url]
