"""From initiative to app: once an app's first release is published, the initiatives that
planned it link to it and count as published.

Runs after the release is committed (``PublishService`` notifies), in a savepoint of its
own, so a fault here never undoes a publish. Only an initiative in which the publishing
organisation takes part (other than as merely interested) is linked: nobody can claim
another's app for their initiative.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import App, Initiative, InitiativeParticipant, Release, utcnow
from registry.transactions import savepoint

log = logging.getLogger(__name__)

PUBLISHED = "published"
#: Participants whose publishing an app links it; the interested only watch.
BUILDERS = ("initiator", "co-developer", "co-funder", "contractor")


def link_published(session: Session, release: Release) -> list[Initiative]:
    """Link the initiatives that planned ``release``'s app; the ones linked."""
    candidates = session.scalars(
        select(Initiative).where(Initiative.planned_app == release.app.slug, Initiative.app_id.is_(None),
                                 Initiative.merged_into_id.is_(None))
        .options(selectinload(Initiative.participants)))
    linked = []
    for initiative in candidates:
        if any(p.organisation_id == release.published_by and p.role in BUILDERS for p in initiative.participants):
            initiative.app_id, initiative.phase, initiative.updated_at = release.app_id, PUBLISHED, utcnow()
            linked.append(initiative)
    session.flush()
    return linked


def link_after_publish(session: Session, release: Release) -> None:
    """``link_published`` in a savepoint; a failure is logged and leaves the publish alone."""
    try:
        with savepoint(session):
            link_published(session, release)
    except Exception:
        log.exception("linking initiatives to %s failed", release.app.slug)


@dataclass(frozen=True)
class BuiltTogether:
    """The initiative an app came from, and how many municipalities built it."""

    initiative: Initiative
    municipalities: int


def built_together(session: Session, app_slug: str) -> BuiltTogether | None:
    """The first initiative that became ``app_slug``, with its building municipalities; None without one."""
    initiative = session.scalars(
        select(Initiative).join(App, Initiative.app).where(App.slug == app_slug)
        .options(selectinload(Initiative.participants).selectinload(InitiativeParticipant.organisation))
        .order_by(Initiative.id)).first()
    if initiative is None:
        return None
    count = sum(1 for p in initiative.participants if p.role in BUILDERS and p.organisation.kind == "municipality")
    return BuiltTogether(initiative, count)
