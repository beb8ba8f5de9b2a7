"""The log of commercial package downloads: who, when, which release. Its vendor reads it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import CommercialDownload, Release
from registry.services.tokens import Caller
from registry.services.vendors import CommercialModules, is_commercial, require_vendor


@dataclass(frozen=True)
class DownloadPage:
    items: list[CommercialDownload]
    total: int
    page: int
    page_size: int


class DownloadLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, release: Release, caller: Caller | None) -> None:
        """Log a package sent to ``caller``; open-source downloads are not logged."""
        if caller is None or not is_commercial(release.app):
            return
        self.session.add(CommercialDownload(
            app_id=release.app_id, release_id=release.id,
            organisation_id=caller.organisation_id, actor=caller.actor,
        ))
        self.session.commit()

    def page(self, slug: str, caller: Caller, page: int, page_size: int) -> DownloadPage:
        """The downloads of the vendor's own module, newest first."""
        app = CommercialModules(self.session).get(slug)
        require_vendor(app, caller, "see who downloaded it")
        where = CommercialDownload.app_id == app.id
        total = self.session.scalar(select(func.count(CommercialDownload.id)).where(where)) or 0
        items = list(self.session.scalars(
            select(CommercialDownload).where(where)
            .options(selectinload(CommercialDownload.release), selectinload(CommercialDownload.organisation))
            .order_by(CommercialDownload.at.desc(), CommercialDownload.id.desc())
            .limit(page_size).offset((page - 1) * page_size)
        ))
        return DownloadPage(items, total, page, page_size)
