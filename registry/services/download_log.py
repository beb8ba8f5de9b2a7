"""The log of what content of commercial releases was sent to whom: the package, bundles
made from it, its images. Its vendor reads it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import CommercialDownload, Release
from registry.services.tokens import Caller
from registry.services.vendors import CommercialModules, require_vendor

PACKAGE = "package"
BUNDLE = "bundle"
SCREENSHOT = "screenshot"
LOGO = "logo"
README_IMAGE = "readme-image"
CONTENT_KINDS = (PACKAGE, BUNDLE, SCREENSHOT, LOGO, README_IMAGE)


@dataclass(frozen=True)
class DownloadPage:
    items: list[CommercialDownload]
    total: int
    page: int
    page_size: int


class DownloadLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, release: Release, caller: Caller | None, kind: str = PACKAGE) -> None:
        """Log content of a commercial release sent to ``caller``; open-source content is not logged."""
        if caller is None or not release.commercial:
            return
        if kind not in CONTENT_KINDS:
            raise ValueError(f"unknown kind of content: {kind!r}")
        self.session.add(CommercialDownload(
            app_id=release.app_id, release_id=release.id,
            organisation_id=caller.organisation_id, actor=caller.actor, kind=kind,
        ))
        self.session.flush()

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
