"""The audit log: one append-only event per change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.models import AuditEvent


def record(session: Session, actor: str, action: str, subject: str, **details: Any) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(actor=actor, action=action, subject=subject, details=details)
    session.add(event)
    return event
