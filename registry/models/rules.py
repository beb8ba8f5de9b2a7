"""What every flush of a registry session keeps: history that is only appended
to, and the index of provided APIs written with its release.

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


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # The provider index is written in the same transaction as the release,
    # so it never lags behind the catalogue.
    for obj in list(session.new):
        if isinstance(obj, Release):
            session.add_all(provisions(obj))
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent | InstallationEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly(f"{type(obj).__name__} rows are history: never changed or deleted")
