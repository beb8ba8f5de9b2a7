"""The catalogue's state as a short token that changes whenever a list or search could answer
differently: what HTTP caching of those answers (ETag, 304) is derived from.

Every change that shows in a list or a search writes an audit event in its own transaction
(publish, yank, listing, profile, organisation verification, installation) or touches the
app's ``updated_at`` (``refresh_latest_version``: also the re-verification of releases). So
the token is read from the newest audit events and apps, through their indexes, in one query.

On PostgreSQL ids and timestamps are handed out before commit, so a transaction may commit
after one that took a later id: the newest id alone would then miss it. Counting the events
in a window below the newest id does not: a late commit raises the count.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import App, AuditEvent

#: Audit ids below the newest that a late commit can hold: far more than the transactions
#: that can run side by side.
LATE_COMMIT_WINDOW = 1000


def catalogue_state(session: Session) -> str:
    """A token of everything the catalogue's lists and searches show (hex, 32 characters)."""
    newest = select(func.max(AuditEvent.id)).scalar_subquery()
    recent = (select(func.count(AuditEvent.id))
              .where(AuditEvent.id > func.coalesce(newest, 0) - LATE_COMMIT_WINDOW).scalar_subquery())
    changed = select(func.max(App.updated_at)).scalar_subquery()
    row = session.execute(select(newest, recent, changed)).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]
