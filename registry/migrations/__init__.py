"""Database migrations (Alembic), run by ``appstore-registry init``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from registry.db import make_engine
from registry.migrations.lock import OnWait, migration_lock

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # Escape % so that URL-encoded passwords survive configparser.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@contextmanager
def migration_session(database_url: str, *, on_wait: OnWait | None = None) -> Iterator[Connection]:
    """A connection that holds the migration lock (registry.migrations.lock) for the block:
    what is done in it, no other process does at the same time."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection, migration_lock(connection, on_wait=on_wait):
            yield connection
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head", *, locked: Connection | None = None) -> None:
    """Create the database or bring it up to date, on ``locked`` (from :func:`migration_session`)
    or under a lock of its own. Behind the lock, a process that waited for another reads the
    revision that one left, and finds nothing more to do."""
    if locked is None:
        with migration_session(database_url) as connection:
            upgrade(database_url, revision, locked=connection)
        return
    config = alembic_config(database_url)
    config.attributes["connection"] = locked
    command.upgrade(config, revision)


def schema_lag(database_url: str) -> str | None:
    """Why the database's schema is not the one this version needs, or None when it is."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    heads = set(scripts.get_heads())
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    if current == heads:
        return None
    if not current:
        return "The database has no schema yet"
    at = ", ".join(sorted(current))
    if not current <= {script.revision for script in scripts.walk_revisions()}:
        return f"The database is at revision {at}, which is newer than this version of the registry knows"
    return f"The database is at revision {at}; this version needs {', '.join(sorted(heads))}"

