"""What is new in the catalogue, for feeds: the latest releases, by app, publisher or category."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import NotFound
from registry.models import App, Organisation, Release

#: Feeds carry at most this many entries: readers poll, and only the newest are news.
MAX_ENTRIES = 50


@dataclass(frozen=True)
class ReleaseNews:
    """Which releases a feed is about: all, or one app's, one publisher's or one category's."""

    app: str | None = None
    publisher: str | None = None
    category: str | None = None


class NewsService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def releases(self, about: ReleaseNews, limit: int = MAX_ENTRIES) -> list[Release]:
        """The newest releases first; a publisher or app that does not exist is a 404."""
        statement = (select(Release).join(App, Release.app_id == App.id).order_by(Release.published_at.desc(),
                                                                                   Release.id.desc())
                     .options(selectinload(Release.yanks), selectinload(Release.app).selectinload(App.organisation)))
        if about.app is not None:
            if self.session.scalar(select(App.id).where(App.slug == about.app)) is None:
                raise NotFound(f"There is no app `{about.app}`.", page_code="app.not-found",
                               page_data={"app": about.app})
            statement = statement.where(App.slug == about.app)
        if about.publisher is not None:
            organisation = self.session.scalar(select(Organisation.id).where(Organisation.slug == about.publisher))
            if organisation is None:
                raise NotFound(f"There is no organisation `{about.publisher}`.")
            statement = statement.where(App.organisation_id == organisation)
        if about.category is not None:
            # Categories are few and short; a JSON list is matched in Python to stay portable.
            ids = [app_id for app_id, categories in self.session.execute(select(App.id, App.categories))
                   if about.category in (categories or [])]
            statement = statement.where(App.id.in_(ids))
        return list(self.session.scalars(statement.limit(limit)))
