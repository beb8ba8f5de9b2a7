"""SQLite writers of one file take turns: among threads, among processes, and never for good.

Real database files, real threads and real processes. A writer whose SQLite busy
timeout is 0 fails at once when another holds the write lock, so a second writer
that succeeds with it has waited for its turn, not in SQLite's busy handler.
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

import pytest
from sqlalchemy import text

from registry.db import make_engine
from registry.sqlite_turns import TurnTakingConnection, WriterTurns, defer_to_writers, is_write

FORK = multiprocessing.get_context("fork")
#: Long enough never to run out in a passing test; a broken turn fails sooner or hangs no longer.
PATIENCE = 10.0


@pytest.mark.parametrize("statement", [
    "INSERT INTO t VALUES (1)", "insert into t values (1)", "  UPDATE t SET n = 2", "\n\tdelete from t",
    "REPLACE INTO t VALUES (1)", "Create TABLE u (n)", "DROP TABLE u", "alter table t add column m",
])
def test_data_and_schema_changes_are_writes(statement: str) -> None:
    assert is_write(statement)


@pytest.mark.parametrize("statement", [
    "SELECT * FROM t", "  select 1", "BEGIN", "begin deferred", "SAVEPOINT sa_1", "RELEASE SAVEPOINT sa_1",
    "PRAGMA journal_mode=WAL", "\n pragma busy_timeout=0", "",
])
def test_reads_and_transaction_control_are_not_writes(statement: str) -> None:
    assert not is_write(statement)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "turns.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    return path


def connect(path: Path, *, turn_timeout: float = PATIENCE, busy_ms: int = 0, **options: object) -> sqlite3.Connection:
    """A turn-taking connection that waits ``turn_timeout`` for its turn and ``busy_ms`` in SQLite."""
    connection = sqlite3.connect(path, timeout=turn_timeout, factory=TurnTakingConnection, **options)  # type: ignore[call-overload]
    connection.execute(f"PRAGMA busy_timeout={busy_ms}")
    connection.execute("PRAGMA synchronous=NORMAL")  # as the registry's engine: no sync per commit
    return connection


def turn_is_free(path: Path) -> bool:
    """Whether a thread of this process, and another process, could take the turn of ``path`` now."""
    turns = WriterTurns.of(str(path))
    if not turns.take(0):
        return False
    turns.give()
    fd = os.open(str(path) + ".writer-lock", os.O_RDWR)
    try:  # a separate open file, as another process has
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def rows(path: Path) -> int:
    with sqlite3.connect(path) as reader:
        count: int = reader.execute("SELECT count(*) FROM t").fetchone()[0]
    reader.close()
    return count


def test_the_next_writer_starts_when_the_last_commits(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}", busy_timeout_ms=int(PATIENCE * 1000))
    events: list[str] = []
    first_wrote, second_writes = threading.Event(), threading.Event()

    def first() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
            events.append("first wrote")
            first_wrote.set()
            second_writes.wait(PATIENCE)
            events.append("first commits")

    def second() -> None:
        first_wrote.wait(PATIENCE)
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=0")  # without its turn it would fail at once
            events.append("second writes")
            second_writes.set()
            connection.execute(text("INSERT INTO t VALUES (2)"))
            events.append("second wrote")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    engine.dispose()
    assert events == ["first wrote", "second writes", "first commits", "second wrote"]
    assert rows(database) == 2
    assert turn_is_free(database)


ENDINGS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "commit": lambda connection: connection.commit(),
    "rollback": lambda connection: connection.rollback(),
    "close": lambda connection: connection.close(),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_the_turn_ends_with_the_transaction(database: Path, ending: str) -> None:
    writer = connect(database)
    writer.execute("INSERT INTO t VALUES (1)")
    assert writer.in_transaction
    assert not turn_is_free(database)
    ENDINGS[ending](writer)
    assert turn_is_free(database)
    writer.close()
    assert rows(database) == (1 if ending == "commit" else 0)


def test_an_autocommitted_write_gives_the_turn_back_at_once(database: Path) -> None:
    writer = connect(database, isolation_level=None)
    writer.execute("INSERT INTO t VALUES (1)")
    writer.executemany("INSERT INTO t VALUES (?)", [(2,), (3,)])
    assert not writer.in_transaction
    assert turn_is_free(database)
    writer.close()
    assert rows(database) == 3


def test_a_failed_autocommitted_write_gives_the_turn_back(database: Path) -> None:
    writer = connect(database, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        writer.execute("INSERT INTO missing VALUES (1)")
    assert turn_is_free(database)
    writer.close()


def test_a_read_only_transaction_takes_no_turn(database: Path) -> None:
    reader = connect(database, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert reader.in_transaction
    assert turn_is_free(database)
    reader.execute("COMMIT")
    reader.close()


def test_a_writer_without_its_turn_in_time_goes_on_and_sqlite_decides(database: Path) -> None:
    holder = connect(database)
    holder.execute("INSERT INTO t VALUES (1)")
    impatient = connect(database, turn_timeout=0.05)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        impatient.execute("INSERT INTO t VALUES (2)")
    holder.commit()
    assert turn_is_free(database)  # the impatient writer kept nothing
    impatient.execute("INSERT INTO t VALUES (3)")
    impatient.commit()
    assert turn_is_free(database)
    holder.close()
    impatient.close()
    assert rows(database) == 2


def commit_many(path: Path, count: int, start: Barrier,
                failures: Queue[str]) -> None:
    """Commit ``count`` small transactions without SQLite's busy handler; report any failure.

    With a busy timeout of 0 a writer that met another's write lock would fail at once:
    the turns alone keep the writers of the processes apart."""
    writer = connect(path, busy_ms=2000)
    writer.execute("SELECT count(*) FROM t").fetchall()  # opens the write-ahead log, which may wait for another
    writer.execute("PRAGMA busy_timeout=0")
    start.wait(PATIENCE)
    try:
        for number in range(count):
            writer.execute("INSERT INTO t VALUES (?)", (number,))
            writer.commit()
    except sqlite3.Error as error:
        failures.put(str(error))
    finally:
        writer.close()


def test_writers_in_several_processes_all_commit(database: Path) -> None:
    processes, each = 3, 50
    start, failures = FORK.Barrier(processes), FORK.Queue()
    workers = [FORK.Process(target=commit_many, args=(database, each, start, failures)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(PATIENCE * 3)
    assert [worker.exitcode for worker in workers] == [0] * processes
    assert failures.empty(), failures.get()
    assert rows(database) == processes * each
    assert turn_is_free(database)


def take_after_parent(path: Path, parent_holds: Event,
                      parent_gave: Event, results: Queue[object]) -> None:
    """In a child forked while the parent holds the turn: may it take it, before and after the parent gives it?"""
    turns = WriterTurns.of(str(path))
    parent_holds.wait(PATIENCE)
    results.put(turns.take(0))
    parent_gave.wait(PATIENCE)
    taken = turns.take(PATIENCE)
    results.put(taken)
    if taken:
        turns.give()
    writer = connect(path)
    writer.execute("INSERT INTO t VALUES (1)")
    writer.commit()
    writer.close()


def test_a_child_forked_during_a_turn_waits_for_it_and_then_takes_it(database: Path) -> None:
    # The parent holds the turn as a writer would, without an open SQLite connection,
    # which a forked child must not use.
    turns = WriterTurns.of(str(database))
    assert turns.take(PATIENCE)
    parent_holds, parent_gave, results = FORK.Event(), FORK.Event(), FORK.Queue()
    child = FORK.Process(target=take_after_parent, args=(database, parent_holds, parent_gave, results))
    child.start()
    parent_holds.set()
    assert results.get(timeout=PATIENCE) is False  # the parent's flock is not the child's
    turns.give()
    parent_gave.set()
    assert results.get(timeout=PATIENCE) is True  # no thread lock left held from the fork
    child.join(PATIENCE)
    assert child.exitcode == 0
    assert rows(database) == 1
    assert turn_is_free(database)


def hold_fork_and_die(path: Path, grandchild_forked: Event, grandchild_may_end: Event) -> None:
    """Take the turn, fork a child that lives on, and die without giving the turn back."""
    assert WriterTurns.of(str(path)).take(PATIENCE)
    if os.fork() == 0:
        grandchild_forked.set()  # set once the child's after-fork reset has run
        grandchild_may_end.wait(PATIENCE)
        os._exit(0)
    grandchild_forked.wait(PATIENCE)
    os._exit(0)


def test_a_process_that_dies_in_its_turn_ends_it_though_its_forked_child_lives(database: Path) -> None:
    grandchild_forked, grandchild_may_end = FORK.Event(), FORK.Event()
    holder = os.fork()  # not a multiprocessing child: its end would wait for the grandchild's
    if holder == 0:
        try:
            hold_fork_and_die(database, grandchild_forked, grandchild_may_end)
        finally:
            os._exit(1)
    _, status = os.waitpid(holder, 0)
    try:
        assert os.waitstatus_to_exitcode(status) == 0
        assert grandchild_forked.is_set()
        assert turn_is_free(database)  # the child closed its copy of the dead parent's locked file
    finally:
        grandchild_may_end.set()


def test_a_connection_dropped_during_its_turn_gives_it_back(database: Path) -> None:
    writer = connect(database)
    writer.execute("INSERT INTO t VALUES (1)")
    assert not turn_is_free(database)
    del writer  # never closed: SQLite rolls back as the connection goes
    gc.collect()
    assert turn_is_free(database)
    assert rows(database) == 0


def test_a_connection_carried_into_a_forked_child_leaves_the_parents_turn_alone(database: Path) -> None:
    parent = connect(database)
    parent.execute("INSERT INTO t VALUES (1)")
    child = os.fork()
    if child == 0:
        try:
            parent.close()  # the child's copy ends; the turn is the parent's to give
            os._exit(0)
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not turn_is_free(database)
    parent.commit()
    assert turn_is_free(database)
    parent.close()
    assert rows(database) == 1


@pytest.mark.parametrize("target", [":memory:", "file:memory?mode=memory&cache=shared"])
def test_databases_in_memory_take_no_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(tmp_path)
    connection = sqlite3.connect(target, uri=target.startswith("file:"), factory=TurnTakingConnection)
    other = sqlite3.connect(":memory:", factory=TurnTakingConnection)
    for writer in (connection, other):  # two open writers in one thread: no turn to wait for
        writer.execute("CREATE TABLE t (n INTEGER)")
        writer.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    assert connection.execute("SELECT n FROM t").fetchall() == [(1,)]
    connection.close()
    other.close()
    assert list(tmp_path.iterdir()) == []


def test_the_engine_on_an_in_memory_database_works_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    engine.dispose()
    assert list(tmp_path.iterdir()) == []


def deferring(longest: float) -> tuple[threading.Thread, threading.Event]:
    """A thread that defers to this process's writers; the event is set once it goes on."""
    went_on = threading.Event()

    def defer() -> None:
        defer_to_writers(longest)
        went_on.set()

    thread = threading.Thread(target=defer)
    thread.start()
    return thread, went_on


def test_other_threads_defer_to_a_writer_of_their_process_until_it_commits(database: Path) -> None:
    writer = connect(database)
    writer.execute("INSERT INTO t VALUES (1)")  # holds the turn
    thread, went_on = deferring(longest=PATIENCE)
    assert not went_on.wait(0.2)  # still deferring while the writer holds its turn
    writer.commit()
    assert went_on.wait(PATIENCE)  # the commit let it go on
    thread.join(PATIENCE)
    writer.close()


def test_a_writer_does_not_defer_to_itself_and_nobody_defers_to_no_writer(database: Path) -> None:
    thread, went_on = deferring(longest=PATIENCE)
    assert went_on.wait(PATIENCE)  # no writer: on at once
    thread.join(PATIENCE)

    writer = connect(database)
    writer.execute("INSERT INTO t VALUES (1)")
    finished = threading.Event()
    threading.Thread(target=lambda: (defer_to_writers(PATIENCE * 10), finished.set())).start()
    defer_to_writers(PATIENCE * 10)  # the holder itself: returns, rather than wait for its own commit
    writer.commit()
    assert finished.wait(PATIENCE)
    writer.close()


def test_deferring_gives_up_after_its_longest_wait(database: Path) -> None:
    writer = connect(database)
    writer.execute("INSERT INTO t VALUES (1)")
    thread, went_on = deferring(longest=0.05)
    assert went_on.wait(PATIENCE)  # went on although the writer still holds its turn
    thread.join(PATIENCE)
    writer.rollback()
    writer.close()
