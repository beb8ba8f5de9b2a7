"""One transaction per request or command: services flush, their caller commits once.

A web request commits when its view returns and rolls back when it raises
(``committing_views``); a command or background job does the same around its
``Database.session()``. Services therefore never commit, so two service calls
combine atomically in one unit of work.

Documented exceptions, each where it happens and why:

- a publish commits its release (with a new app's row) together with the
  artifact it moved into the store (``PublishService``): the row must be
  committed while the artifact's lock is held;
- the sign-in limiter commits each counted attempt (``SignInLimiter``): other
  workers must see the count before the slow password check, and a refused
  sign-in must count even though its request ends in an error.

Work that must wait for the commit (events to plugins) is queued with
``after_commit`` and runs only once the data is committed; small writes that
need not hold a write lock while the request works (last seen) are queued with
``before_commit``. A rollback drops both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy.orm import Session

AFTER_COMMIT = "appstore.after_commit"
BEFORE_COMMIT = "appstore.before_commit"


def before_commit(session: Session, action: Callable[[], object]) -> None:
    """Run ``action`` (a write) just before the unit of work commits."""
    session.info.setdefault(BEFORE_COMMIT, []).append(action)


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's current transaction is committed."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


def commit(session: Session) -> None:
    """Commit the unit of work, then run what waited for it."""
    for write in session.info.pop(BEFORE_COMMIT, []):
        write()
    session.commit()
    for action in session.info.pop(AFTER_COMMIT, []):
        action()


def rollback(session: Session) -> None:
    """Undo the unit of work; what waited for its commit is dropped."""
    session.info.pop(BEFORE_COMMIT, None)
    session.info.pop(AFTER_COMMIT, None)
    session.rollback()


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit ``session`` when the block ends normally, roll it back when it raises."""
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)  # also when the commit itself failed
        raise


@contextmanager
def savepoint(session: Session) -> Iterator[Session]:
    """A nested transaction for work that may lose a race (a unique constraint):
    when the block raises, only its own changes are undone and the unit of
    work goes on."""
    connection = session.connection()
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and driver is not None and not driver.in_transaction:
        # The sqlite3 module begins a transaction only before a write; a SAVEPOINT
        # outside one would start its own, and releasing it would commit the
        # unit of work so far.
        connection.exec_driver_sql("BEGIN")
    with session.begin_nested():
        yield session


def request_transaction(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` committing the request's session when it returns, before the
    response is sent: a failed commit becomes the error response, never a
    silent success."""

    @functools.wraps(view)
    def committing(*args: Any, **kwargs: Any) -> Any:
        try:
            result = view(*args, **kwargs)
            session = g.get("db_session")
            if session is not None:
                commit(session)
        except BaseException:
            session = g.get("db_session")
            if session is not None:
                rollback(session)  # the error page starts afresh (it reads who is signed in)
            raise
        return result

    return committing


def committing_views(app: Flask) -> None:
    """Make every view of ``app`` one unit of work (call once the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = request_transaction(view)
