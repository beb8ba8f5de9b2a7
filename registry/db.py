"""The database: engine, sessions and the SQLite settings that make it dependable."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from registry.models.rules import keep_rules
from registry.private_files import private_directory, private_file
from registry.sqlite_turns import TurnTakingConnection
from registry.transactions import rollback, unit_of_work

EXTENSION = "appstore.db"
#: PostgreSQL's SQLSTATEs for a full disk and for a unique constraint.
PG_DISK_FULL, PG_UNIQUE_VIOLATION = "53100", "23505"
#: PostgreSQL going away: class 08 (connection exception), and a server shutting down,
#: crashed, or still starting (57P01, 57P02, 57P03).
PG_CONNECTION_CLASS, PG_GOING_AWAY = "08", frozenset({"57P01", "57P02", "57P03"})


class Database:
    """Engine and session factory of one app instance (kept in ``app.extensions``)."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        keep_rules(self.sessions)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work outside a request (a command, a background job): committed
        when the block ends normally, rolled back when it raises."""
        with self.sessions() as session, unit_of_work(session):
            yield session

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self
        app.teardown_appcontext(_close_request_session)

    def dispose(self) -> None:
        self.engine.dispose()


#: SQLite's page cache per connection, in KiB.
SQLITE_CACHE_KIB = 16 * 1024


def make_engine(url: str, *, busy_timeout_ms: int = 30_000) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        # Made here, 0600, before SQLite creates it with the umask's mode; its -wal
        # and -shm files take the database's mode.
        private_file(private_directory(Path(parsed.database).parent) / Path(parsed.database).name)
    # Writers take turns (registry.sqlite_turns) rather than sleep in SQLite's busy handler.
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000, "factory": TurnTakingConnection},
                           future=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # WAL lets readers run during a publish; the busy timeout makes
        # concurrent writers (several gunicorn workers) wait instead of fail.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Room for the catalogue's app rows (about 3 MB at 10,000 apps): the web store's
        # counts scan them, and SQLite's default 2 MB made each scan read them again.
        # A ceiling per connection, filled only as pages are read.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    return engine


def database(app: Flask) -> Database:
    return app.extensions[EXTENSION]


def request_session() -> Session:
    """The session of the current request, opened on first use."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = database(current_app).sessions()
    return g.db_session


def rollback_request_session() -> None:
    """End a failed transaction so that the error page can still read (who is signed in)."""
    session = g.get("db_session")
    if session is not None:
        rollback(session)


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def is_database_full(error: DBAPIError) -> bool:
    """Whether the database refused a write because its disk (or size limit) is full."""
    orig = error.orig
    if getattr(orig, "sqlstate", None) == PG_DISK_FULL:
        return True
    return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def is_database_unreachable(error: DBAPIError) -> bool:
    """Whether the database server could not be reached or dropped the connection (a restart,
    a failover): the pool drops that connection and checks the next before use (pre-ping),
    so the same request succeeds once the server is back. SQLite has no server to lose."""
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError) or not hasattr(error.orig, "sqlstate"):
        return False  # sqlite3's errors carry no SQLSTATE: a locked or broken file is no outage
    sqlstate: str | None = getattr(error.orig, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(PG_CONNECTION_CLASS) or sqlstate in PG_GOING_AWAY


def is_unique_violation(error: DBAPIError) -> bool:
    """Whether a unique constraint refused a row (the trace of a race that another request won)."""
    if not isinstance(error, IntegrityError):
        return False
    orig = error.orig
    if getattr(orig, "sqlstate", None) == PG_UNIQUE_VIOLATION:
        return True
    return getattr(orig, "sqlite_errorcode", None) in (sqlite3.SQLITE_CONSTRAINT_UNIQUE,
                                                        sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
