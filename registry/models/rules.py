"""What every flush of a registry session keeps: history that is only appended
to, and the index of provided APIs written with its release (``companions``, which
``registry.loaded_inserts`` adds too).

Registered on each app's own session factory (``registry.db.Database``), never
on SQLAlchemy's ``Session`` class, which every session in the process shares.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from registry.models.core import AuditEvent, AuditLogIsAppendOnly, Release
from registry.models.installs import InstallationEvent, provisions


def keep_rules(sessions: sessionmaker[Session]) -> None:
    """Check the rules before every flush of a session made by ``sessions``."""
    event.listen(sessions, "before_flush", _before_flush)


def companions(obj: Any) -> list[Any]:
    """The rows that go in with a new object, in its transaction: the provider index of a
    release, so that it never lags behind the catalogue."""
    return provisions(obj) if isinstance(obj, Release) else []


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new):
        session.add_all(companions(obj))
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent | InstallationEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly(f"{type(obj).__name__} rows are history: never changed or deleted")
