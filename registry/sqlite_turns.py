"""Writers of one SQLite file take turns, and the next one starts as soon as the last is done.

SQLite lets one connection write at a time. The others wait in its busy
handler, which sleeps 1, 2, 5, 10 and on up to 100 ms between tries: under a
stream of publishes from several threads and workers, a writer mostly sleeps
long after the one before it has committed. Here a connection takes its turn
before its first write: among the threads of a process through a lock, among
processes (gunicorn's workers, commands) through ``flock`` on
``<database>.writer-lock`` beside the database. The turn ends with the transaction,
or with the connection when it is closed or dropped in one.

Every other writer waits for the one that holds the turn, so it should finish
quickly; but in a worker its thread shares the interpreter lock with threads
that verify other packages, and loses it at each call into SQLite. Long work
of other threads therefore calls ``defer_to_writers`` now and then (a publish's
verification, between plugins): while a thread of the same process holds a
turn, it waits a moment for it.

The turn only orders writers; SQLite's own locking still guarantees
correctness. A writer that cannot get its turn within the busy timeout goes on
without it, and SQLite's busy handler decides as before; a write this module
does not recognise (``is_write``) simply waits there too.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from registry.private_files import private_file

#: Statements that take SQLite's write lock; anything else reads, or begins without writing.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
#: How often a writer looks again while another process holds the turn: the longest
#: idle gap after a commit, and short next to a publish's own writes.
LONGEST_LOOK_SECONDS = 0.001


def is_write(statement: str) -> bool:
    """Whether ``statement`` takes SQLite's write lock (a data change or a schema change)."""
    return statement.lstrip()[:7].upper().startswith(WRITES)


#: How long a thread defers to a writer of its process at one time, at most.
LONGEST_DEFERRAL_SECONDS = 0.02


class _Writers:
    """The threads of this process that hold a writer turn, for the others to defer to."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Hold nothing (and a new lock: after a fork, another thread of the parent may have held it)."""
        self._changed = threading.Condition()
        self._holders: dict[int, int] = {}  # thread ident: turns it holds

    def began(self, thread: int) -> None:
        with self._changed:
            self._holders[thread] = self._holders.get(thread, 0) + 1

    def ended(self, thread: int) -> None:
        with self._changed:
            left = self._holders.pop(thread, 1) - 1
            if left > 0:
                self._holders[thread] = left
            if not self._holders:
                self._changed.notify_all()

    def defer(self, longest: float) -> None:
        """Wait (at most ``longest`` seconds) while another thread of this process holds a turn."""
        if not self._holders:  # read without the lock: the usual case costs nothing
            return
        me = threading.get_ident()
        with self._changed:
            self._changed.wait_for(lambda: not self._holders or me in self._holders, timeout=longest)


_writers = _Writers()


def defer_to_writers(longest: float = LONGEST_DEFERRAL_SECONDS) -> None:
    """Let a thread of this process that holds a writer turn go first: wait while one does,
    at most ``longest`` seconds (call it between steps of long work of your own)."""
    _writers.defer(longest)


class WriterTurns:
    """The turns of one database file: a lock for this process's threads, ``flock`` for other processes."""

    _all: dict[str, WriterTurns] = {}
    _made = threading.Lock()

    def __init__(self, database: str) -> None:
        self.lock_path = database + ".writer-lock"
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._holder = 0  # the thread that holds the turn

    @classmethod
    def of(cls, database: str) -> WriterTurns:
        """The one ``WriterTurns`` of this process for ``database`` (a file path)."""
        key = os.path.realpath(database)
        with cls._made:
            turns = cls._all.get(key)
            if turns is None:
                turns = cls._all[key] = cls(key)
            return turns

    def take(self, timeout: float) -> bool:
        """Wait for the turn, at most ``timeout`` seconds; whether it was taken."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        try:
            fd = self._file()
            wait = 0.00005
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self._holder = threading.get_ident()
                    _writers.began(self._holder)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(wait)
                    wait = min(wait * 2, LONGEST_LOOK_SECONDS)
        except BaseException:
            self._threads.release()
            raise
        self._threads.release()
        return False

    def give(self) -> None:
        """End the turn taken with :meth:`take`."""
        _writers.ended(self._holder)
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(private_file(Path(self.lock_path)), os.O_RDWR | os.O_CLOEXEC)
        return self._fd

    def _forget_after_fork(self) -> None:
        # A child must not share the parent's open file (flock belongs to it) nor a lock
        # another thread of the parent held at the fork. Its copy of the file is closed,
        # not unlocked: unlocking would end the parent's turn, while keeping it open would
        # keep a turn of a parent that dies alive as long as the child lives.
        self._threads = threading.Lock()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @classmethod
    def forget_all_after_fork(cls) -> None:
        _writers.forget()
        cls._made = threading.Lock()
        for turns in cls._all.values():
            turns._forget_after_fork()


os.register_at_fork(after_in_child=WriterTurns.forget_all_after_fork)


class TurnTakingConnection(sqlite3.Connection):
    """A ``sqlite3`` connection that takes its database's writer turn before its first write
    (give it to ``sqlite3.connect`` as ``factory``)."""

    def __init__(self, database: Any, timeout: float = 5.0, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, timeout, *args, **kwargs)
        path = os.fsdecode(database) if isinstance(database, (str, bytes, os.PathLike)) else ""
        in_memory = not path or path == ":memory:" or kwargs.get("uri") or path.startswith("file:")
        self._turns = None if in_memory else WriterTurns.of(path)
        self._turn_timeout = timeout
        self._holding = False
        self._holder = 0  # the process that took the turn

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or TurnTakingCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)

    def commit(self) -> None:
        self._ending(super().commit)

    def rollback(self) -> None:
        self._ending(super().rollback)

    def _ending(self, end: Callable[[], None]) -> None:
        """``end()`` the transaction, then give the turn back (whether it ended or failed)."""
        try:
            end()
        finally:
            self.turn_over()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give()

    def __del__(self) -> None:
        # A connection dropped unclosed is rolled back by SQLite as it goes; its turn
        # goes too, or every later writer of this process would wait out its timeout.
        if getattr(self, "_holding", False):
            self._give()

    def before(self, statement: str) -> None:
        """Take the turn before ``statement`` when it writes and this connection has none."""
        if self._turns is not None and not self._holding and is_write(statement):
            self._holding = self._turns.take(self._turn_timeout)
            self._holder = os.getpid()

    def turn_over(self) -> None:
        """Give the turn back once no transaction is open (after a commit, a rollback or an
        autocommitted write)."""
        if self._holding and not self.in_transaction:
            self._give()

    def _give(self) -> None:
        if self._holding:
            self._holding = False
            assert self._turns is not None
            if self._holder == os.getpid():  # in a forked child the turn is still the parent's
                self._turns.give()


class TurnTakingCursor(sqlite3.Cursor):
    """A cursor of a :class:`TurnTakingConnection`: takes the turn before a write."""

    connection: TurnTakingConnection

    def execute(self, sql: str, parameters: Any = (), /) -> TurnTakingCursor:  # type: ignore[override]
        return self._in_turn(super().execute, sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> TurnTakingCursor:  # type: ignore[override]
        return self._in_turn(super().executemany, sql, parameters)

    def _in_turn(self, run: Callable[[str, Any], sqlite3.Cursor], sql: str, parameters: Any) -> TurnTakingCursor:
        """``run(sql, parameters)`` with the turn taken first when it writes, and given back
        when that ended the transaction."""
        self.connection.before(sql)
        try:
            run(sql, parameters)
            return self
        finally:
            self.connection.turn_over()
