"""The database: engine, sessions and the SQLite settings that make it dependable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registry.private_files import private_directory, private_file

EXTENSION = "appstore.db"


class Database:
    """Engine and session factory of one app instance (kept in ``app.extensions``)."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work outside a request (CLI, background jobs)."""
        with self.sessions() as session:
            yield session

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self
        app.teardown_appcontext(_close_request_session)

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, busy_timeout_ms: int = 30_000) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        # Made here, 0600, before SQLite creates it with the umask's mode; its -wal
        # and -shm files take the database's mode.
        private_file(private_directory(Path(parsed.database).parent) / Path(parsed.database).name)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, future=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # WAL lets readers run during a publish; the busy timeout makes
        # concurrent writers (several gunicorn workers) wait instead of fail.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
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


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
