"""Servers that start together each run ``appstore-registry init``: the database is
migrated and seeded once, one process at a time, and ``serve`` refuses a database that
is not at this version's schema. Real processes on SQLite and PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from registry.cli import main
from registry.migrations import alembic_config, upgrade
from registry.migrations.lock import ADVISORY_KEY, LOCK_SUFFIX, MigrationLockTimeout, migration_lock
from sdk.profiles import default_profiles
from tests.conftest import make_app

INIT = [str(Path(sys.executable).parent / "appstore-registry"), "init"]
TIMEOUT = 120  # seconds any one process may take; a hang fails instead of blocking the suite
WAITING = "another process is initialising the database"


def head(database_url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head() or ""


def start_init(database_url: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "APPSTORE_DATA_DIR": str(data_dir), "APPSTORE_DATABASE_URL": database_url}
    return subprocess.Popen(INIT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    return process.returncode, out + err


def query(database_url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def has_schema(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        return "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_inits_started_together_migrate_and_seed_once(database_url: str, tmp_path: Path) -> None:
    processes = [start_init(database_url, tmp_path / "data") for _ in range(3)]
    results = [finish(process) for process in processes]

    assert [code for code, _ in results] == [0, 0, 0], results
    assert query(database_url, "SELECT version_num FROM alembic_version") == [(head(database_url),)]
    seeded = [profile.id for profile in default_profiles()]
    assert sorted(slug for (slug,) in query(database_url, "SELECT slug FROM platform_profile")) == sorted(seeded)
    # Only the first adds the profiles; the others find them there.
    assert sum(output.count(f"platform profile {seeded[0]} added") for _, output in results) == 1


@contextmanager
def lock_held_elsewhere(database_url: str) -> Iterator[None]:
    """The migration lock, taken the way another process would: the advisory lock on a
    connection of our own, or an exclusive flock on the file next to the SQLite database."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                             autocommit=True) as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
            yield
        return  # closing the connection ends its session and with it the lock
    assert url.database
    descriptor = os.open(url.database + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def wait_for_line(process: subprocess.Popen[str], wanted: str) -> None:
    """Read stderr until a line holds ``wanted``; fail at the process's end or after TIMEOUT."""
    assert process.stderr is not None

    def read() -> None:
        for line in process.stderr:  # type: ignore[union-attr]
            if wanted in line:
                return
        raise AssertionError(f"init ended without saying {wanted!r}")

    with ThreadPoolExecutor(1) as pool:
        pool.submit(read).result(timeout=TIMEOUT)


def waiting_for_advisory_lock(database_url: str) -> bool:
    """Whether a session waits for the migration's advisory lock, polled for at most TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if query(database_url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
            return True
        time.sleep(0.05)
    return False


def test_init_waits_while_another_process_holds_the_lock(database_url: str, tmp_path: Path,
                                                         backend: str) -> None:
    process = None
    try:
        with lock_held_elsewhere(database_url):
            process = start_init(database_url, tmp_path / "data")
            wait_for_line(process, WAITING)
            if backend == "postgresql":
                assert waiting_for_advisory_lock(database_url)
            assert process.poll() is None, "init ended while the lock was held"
            assert not has_schema(database_url), "init migrated without the lock"
        code, output = finish(process)
    finally:
        if process is not None:
            process.kill()
    assert code == 0, output
    assert query(database_url, "SELECT version_num FROM alembic_version") == [(head(database_url),)]


def test_a_wait_for_the_lock_is_bounded(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with lock_held_elsewhere(database_url), engine.connect() as connection, \
                pytest.raises(MigrationLockTimeout, match="run `appstore-registry init` again"), \
                migration_lock(connection, wait_seconds=0.2):
            pass
    finally:
        engine.dispose()


@pytest.mark.parametrize(("revision", "says"), [
    (None, "has no schema yet"),
    ("0009", "is at revision 0009; this version needs"),
    ("ffffffff", "newer than this version of the registry knows"),
])
def test_serve_refuses_a_database_not_at_this_versions_schema(sqlite_url: str, tmp_path: Path,
                                                              revision: str | None, says: str) -> None:
    if revision == "ffffffff":
        upgrade(sqlite_url)
        engine = create_engine(sqlite_url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
        engine.dispose()
    elif revision:
        upgrade(sqlite_url, revision)
    app = make_app(tmp_path / "data", sqlite_url, with_schema=True)

    result = CliRunner().invoke(main, ["serve", "--dev"], obj={"app": app})

    assert result.exit_code == 1
    assert says in result.output and "appstore-registry init" in result.output


def test_fsck_refuses_a_database_without_this_versions_schema(sqlite_url: str, tmp_path: Path) -> None:
    """Not a traceback from the first missing table: what to do."""
    app = make_app(tmp_path / "data", sqlite_url)

    result = CliRunner().invoke(main, ["fsck"], obj={"app": app})

    assert result.exit_code == 1
    assert "has no schema yet: run `appstore-registry init` with this version first, then fsck" in result.output
