"""One migration at a time: servers that start together and each run ``init``
take turns, and the ones after the first find nothing left to do.

PostgreSQL: a session-level advisory lock with a fixed key, held on the
connection that migrates. SQLite: an exclusive ``flock`` on a file next to the
database, since SQLite has no lock that outlives Alembic's own transactions.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from registry.errors import RegistryError
from registry.private_files import open_private

#: The advisory lock's key: "appstore" in ASCII, so it is recognisable in pg_locks.
ADVISORY_KEY = int.from_bytes(b"appstore", "big")
#: How long a migration may wait for another one: migrations that backfill take a while.
WAIT_SECONDS = 600
#: The suffix of the SQLite lock file, next to the database.
LOCK_SUFFIX = ".migrate-lock"
#: PostgreSQL's SQLSTATE for a lock that did not come within lock_timeout.
PG_LOCK_NOT_AVAILABLE = "55P03"

OnWait = Callable[[], None]


class MigrationLockTimeout(RegistryError):
    """Another migration held the lock for longer than :data:`WAIT_SECONDS`."""

    def __init__(self, holder: str, seconds: float) -> None:
        super().__init__(
            f"Another process has been migrating the database ({holder}) for more than {seconds:g}s; "
            "wait for it to finish, or stop it, and run `appstore-registry init` again.")


@contextmanager
def migration_lock(connection: Connection, *, on_wait: OnWait | None = None,
                   wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the database's migration lock for the block; ``on_wait`` is called once
    when another process has it, before waiting (at most ``wait_seconds``)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        with _advisory_lock(connection, on_wait, wait_seconds):
            yield
        return
    database = connection.engine.url.database
    if dialect == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        with _file_lock(Path(database).with_name(Path(database).name + LOCK_SUFFIX), on_wait, wait_seconds):
            yield
        return
    yield  # an in-memory database belongs to one process


@contextmanager
def _advisory_lock(connection: Connection, on_wait: OnWait | None, wait_seconds: float) -> Iterator[None]:
    key = {"key": ADVISORY_KEY}
    got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar()
    if not got:
        if on_wait:
            on_wait()
        # SET LOCAL: the timeout ends with this transaction and never bounds the migration's own locks.
        connection.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'"))
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
                raise MigrationLockTimeout(f"advisory lock {ADVISORY_KEY}", wait_seconds) from None
            raise
    # A session's advisory lock outlives the transaction that took it; ending that
    # transaction lets Alembic begin its own.
    connection.commit()
    try:
        yield
    finally:
        if connection.in_transaction():  # a failed migration leaves its transaction to roll back
            connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        connection.commit()


@contextmanager
def _file_lock(path: Path, on_wait: OnWait | None, wait_seconds: float) -> Iterator[None]:
    descriptor = open_private(path, os.O_RDWR | os.O_CREAT)
    try:
        _flock(descriptor, path, on_wait, wait_seconds)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock; the file stays, so every process locks the same one


def _flock(descriptor: int, path: Path, on_wait: OnWait | None, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    waited = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not waited and on_wait:
            on_wait()
        waited = True
        if time.monotonic() >= deadline:
            raise MigrationLockTimeout(f"lock file {path.name}", wait_seconds)
        time.sleep(0.1)  # flock cannot wait with a timeout; polling keeps the wait bounded
