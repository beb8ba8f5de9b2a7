"""What a publish asks of the database: its writes come last, in one transaction, and a new
query per publish shows up here (raise a bound only with a reason: publishing's rate is
bounded by it, on SQLite above all, where writers take turns)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from registry.db import database
from registry.sqlite_turns import is_write
from tests import factories
from tests.conftest import add_organisation

#: Statements of a first publish and of a next version today (15 and 26), with no room to spare.
FIRST_PUBLISH_STATEMENTS = 15
NEXT_VERSION_STATEMENTS = 26


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The statements the app's engine runs in the block, and ``COMMIT`` for each commit."""
    seen: list[str] = []
    engine = database(app).engine

    def executed(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    def committed(_conn) -> None:  # type: ignore[no-untyped-def]
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", executed)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        event.remove(engine, "commit", committed)


def publish(app: Flask, token: str, version: str) -> None:
    archive = factories.package(factories.manifest(version=version))
    response = app.test_client().post("/api/v1/releases", data={"package": (io.BytesIO(archive), "app.tar.gz")},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json


def publish_writes(seen: list[str], reads: int = 0) -> list[str]:
    """The statements from the first write to the commit after it, checking that at most
    ``reads`` reads come between: a publish reads and verifies before it takes SQLite's
    write lock, not while it holds it."""
    first = next(n for n, s in enumerate(seen) if is_write(s))
    commit = seen.index("COMMIT", first)
    assert len([s for s in seen[first:commit] if not is_write(s)]) <= reads, seen[first:commit]
    return seen[first:commit]


def later_writes(seen: list[str]) -> list[str]:
    """Writes after the publish's commit, but for the token's last use (once a minute, as the request ends)."""
    after = seen[seen.index("COMMIT", next(n for n, s in enumerate(seen) if is_write(s))) + 1:]
    return [s for s in after if is_write(s) and not s.startswith("UPDATE api_token SET last_used_at")]


def test_a_first_publish_writes_once_at_the_end_in_one_transaction(sqlite_app: Flask) -> None:
    token = add_organisation(sqlite_app, "dimpact")
    with statements(sqlite_app) as seen:
        publish(sqlite_app, token, "1.0.0")
    writes = publish_writes(seen)
    assert not [s for s in seen[:seen.index(writes[0])] if is_write(s)]  # the app's row goes in with its release
    assert not later_writes(seen), seen
    assert not [s for s in writes if s.lstrip().upper().startswith(("UPDATE", "DELETE"))], writes  # nothing to undo
    assert not [s for s in seen if "SAVEPOINT" in s.upper()], seen  # no initiative planned this app
    assert len(seen) - seen.count("COMMIT") <= FIRST_PUBLISH_STATEMENTS, "\n".join(seen)


def test_a_next_version_reads_before_it_writes_and_stays_within_its_statements(sqlite_app: Flask) -> None:
    token = add_organisation(sqlite_app, "dimpact")
    publish(sqlite_app, token, "1.0.0")
    with statements(sqlite_app) as seen:
        publish(sqlite_app, token, "1.1.0")
    # One read under the lock: which release to offer, once the app's row is locked (PostgreSQL).
    assert publish_writes(seen, reads=1) and not later_writes(seen), seen
    assert len(seen) - seen.count("COMMIT") <= NEXT_VERSION_STATEMENTS, "\n".join(seen)
