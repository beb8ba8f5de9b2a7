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

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.models import App, Initiative, InitiativeParticipant, Release, table_of, utcnow
from registry.transactions import savepoint

log = logging.getLogger(__name__)

PUBLISHED = "published"
#: Participants whose publishing an app links it; the interested only watch.
BUILDERS = ("initiator", "co-developer", "co-funder", "contractor")


def link_published(session: Session, release: Release) -> list[Initiative]:
    """Link the initiatives that planned ``release``'s app; the ones linked."""
    planned = planned_for(session, release)
    return link(session, release, planned) if planned else []


def planned_for(session: Session, release: Release) -> list[int]:
    """The ids of the initiatives that ``release`` links: they planned its app, are neither
    linked nor merged yet, and its publisher builds them."""
    return list(session.scalars(_PLANNED_FOR, {"slug": release.app.slug, "publisher": release.published_by}))


def link(session: Session, release: Release, planned: list[int]) -> list[Initiative]:
    """Link the initiatives ``planned`` (from ``planned_for``) to ``release``'s app."""
    linked = list(session.scalars(select(Initiative).where(Initiative.id.in_(planned)).order_by(Initiative.id)))
    for initiative in linked:
        initiative.app_id, initiative.phase, initiative.updated_at = release.app_id, PUBLISHED, utcnow()
    session.flush()
    return linked


def link_after_publish(session: Session, release: Release) -> None:
    """``link_published``, its writes in a savepoint; a failure is logged and leaves the
    publish alone. Nearly every publish links nothing: its one read needs no savepoint."""
    try:
        planned = planned_for(session, release)
        if planned:
            with savepoint(session):
                link(session, release, planned)
    except Exception:
        log.exception("linking initiatives to %s failed", release.app.slug)


#: Built once, of the tables' columns (a plain statement, without the ORM's work): the read of
#: every publish.
_INITIATIVES, _PARTICIPANTS = table_of(Initiative), table_of(InitiativeParticipant)
_PLANNED_FOR = (
    select(_INITIATIVES.c.id).distinct()
    .join(_PARTICIPANTS, _PARTICIPANTS.c.initiative_id == _INITIATIVES.c.id)
    .where(_INITIATIVES.c.planned_app == bindparam("slug"), _INITIATIVES.c.app_id.is_(None),
           _INITIATIVES.c.merged_into_id.is_(None), _PARTICIPANTS.c.organisation_id == bindparam("publisher"),
           # One comparison per role rather than IN: an IN list is expanded into the SQL at every
           # execution, a statement of plain parameters is compiled once.
           or_(*(_PARTICIPANTS.c.role == role for role in BUILDERS)))
    .order_by(_INITIATIVES.c.id)
)


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
