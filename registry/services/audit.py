"""The audit log: one append-only event per change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from registry.models import AuditEvent, table_of

_EVENTS = table_of(AuditEvent)


def record(session: Session, actor: str, action: str, subject: str, **details: Any) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(actor=actor, action=action, subject=subject, details=details)
    session.add(event)
    return event


def record_at_once(session: Session, actor: str, action: str, subject: str, **details: Any) -> None:
    """``record``, written at once with a Core INSERT: for a change already flushed, where
    the event is not needed as an object (no unit-of-work bookkeeping for it)."""
    session.execute(insert(_EVENTS).values(actor=actor, action=action, subject=subject, details=details))
