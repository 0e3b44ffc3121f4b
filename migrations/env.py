"""Alembic environment: ReelScope's models are the target; the connection comes from core.storage.migrations.

Run through ``python -m core db upgrade`` (or any start-up of the app), which passes a connection
in ``config.attributes["connection"]`` while holding the migration lock. The plain ``alembic``
command also works: it connects to DATABASE_URL (or the SQLite default) itself, without the lock.
"""

from __future__ import annotations

from alembic import context

from core.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _render_item(type_, obj, autogen_context):
    """Write the models' UTCDateTime as a plain timezone-aware DateTime, so migrations don't import models."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, render_item=_render_item,
                      include_object=_include_object, **kwargs)


def _include_object(obj, name, type_, reflected, compare_to):
    # The instagram_data view is created by SQL in the migrations, never reflected as a table.
    return not (type_ == "table" and name == "instagram_data")


def _url() -> str:
    from core.settings import load_settings
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from core.storage.engine import make_engine
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
