"""News for the organisations taking part in initiatives: which of their initiatives became an app.

Read from the links themselves (an initiative's ``app_id`` and the app's first release), so
the news needs no table of its own and is never out of step with the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import App, Initiative, InitiativeParticipant, Release
from registry.services.organisations import OrganisationService

#: Only the newest news is news: an organisation's page and the API show at most this many.
MAX_NEWS = 20


@dataclass(frozen=True)
class InitiativeBecameApp:
    """"Initiative X is now app Y (version Z)", for one participant."""

    initiative: Initiative
    app: App
    version: str
    published_at: datetime


def initiative_news(session: Session, organisation: str, limit: int = MAX_NEWS) -> list[InitiativeBecameApp]:
    """The initiatives ``organisation`` takes part in that became an app, newest first; 404 for no such one."""
    organisation_id = OrganisationService(session).get(organisation).id
    first = (select(Release.app_id, func.min(Release.published_at).label("at"))
             .group_by(Release.app_id).subquery())
    rows = session.execute(
        select(Initiative, App, Release)
        .join(InitiativeParticipant, InitiativeParticipant.initiative_id == Initiative.id)
        .join(App, App.id == Initiative.app_id)
        .join(first, first.c.app_id == App.id)
        .join(Release, (Release.app_id == first.c.app_id) & (Release.published_at == first.c.at))
        .where(InitiativeParticipant.organisation_id == organisation_id, Initiative.merged_into_id.is_(None))
        .options(selectinload(Initiative.tags))
        .order_by(Release.published_at.desc(), Initiative.id.desc()).limit(limit))
    news: dict[int, InitiativeBecameApp] = {}
    for initiative, app, release in rows:  # two releases at the same moment: the first one counts
        news.setdefault(initiative.id, InitiativeBecameApp(initiative, app, release.version, release.published_at))
    return list(news.values())
