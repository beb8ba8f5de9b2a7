"""Alembic environment: migrations run against the registry's models."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from registry.db import make_engine
from registry.models import INDEX_OBJECTS, Base

config = context.config
target_metadata = Base.metadata


def include_object(item: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the search index's own objects (FTS5 tables, a tsvector column), which
    the models cannot describe: registry.models.search creates them."""
    return not (reflected and compare_to is None and name is not None
                and (name in INDEX_OBJECTS or name.startswith("app_search_fts_")))


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # registry.migrations.upgrade gives the connection that holds the migration lock.
    given = config.attributes.get("connection")
    if given is not None:
        migrate(given)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url", ""))
    with engine.connect() as connection:
        migrate(connection)
    engine.dispose()


def migrate(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode changes a SQLite table by copying it and dropping the
        # old one, which foreign keys forbid while rows point at it. They
        # are checked once the migrations are done instead.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the transaction the pragma began, so Alembic's own commits
    # Batch mode lets SQLite follow ALTER TABLE changes by copying tables.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows that point at nothing: {broken[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
