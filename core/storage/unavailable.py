"""A store that cannot take writes (read-only, disk full) or cannot be reached, told in one sentence.

SQLAlchemy's own exception text holds the SQL and its parameters (export data, names); users get this sentence
instead: the CLI prints it on one line (exit 1), the API answers 503 with it, and ``health`` reports it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from core.storage.engine import Database

# (words in the driver's message, the sentence shown): SQLite and PostgreSQL wordings
_KNOWN = (
    (("readonly database", "read-only transaction", "read only transaction", "permission denied"),
     "The database is read-only: ReelScope can read it but not store anything."),
    (("database or disk is full", "no space left on device", "could not extend file", "disk full"),
     "The database's disk is full: free some space (or purge old analyses) and try again."),
    (("unable to open database file", "could not connect", "connection refused", "server closed the connection",
      "connection to server"),
     "The database cannot be reached."),
    (("database is locked", "database is busy"),
     "The database is busy with another writer; try again in a moment."),
)


def driver_message(exc: BaseException) -> str:
    """The database driver's own first line, without the SQL or parameters SQLAlchemy appends."""
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(original).strip().splitlines()
    return lines[0][:200] if lines else type(original).__name__


def store_problem(exc: BaseException) -> str | None:
    """The sentence for a store that cannot be written or reached; None for any other error."""
    if not isinstance(exc, SQLAlchemyError):
        return None
    message = driver_message(exc).lower()
    return next((sentence for words, sentence in _KNOWN if any(word in message for word in words)), None)


def one_line(exc: SQLAlchemyError) -> str:
    """A database error in one line: the known sentence, else the driver's first line (never the SQL)."""
    return store_problem(exc) or f"Database error: {driver_message(exc)}"


def probe_write(db: Database) -> None:
    """Really write to the store (a no-op UPDATE of the Alembic version row, committed): raises when the store is
    read-only, its disk is full or it cannot be reached. A TEMPORARY table would not touch the database file."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
