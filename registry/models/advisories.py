"""Security advisories: what a publisher or curator says is vulnerable in an app, in OSV terms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.core import App, Base, Organisation, utcnow

__all__ = ["Advisory"]


class Advisory(Base):
    """One advisory about one app. Withdrawn advisories are kept (OSV's `withdrawn`), never deleted."""

    __tablename__ = "advisory"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The registry's own id, e.g. GAS-2026-0001: numbered per year.
    advisory_id: Mapped[str] = mapped_column(String(32), unique=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    # OSV `severity` entries ({type, score}) and the simple level (low | moderate | high | critical).
    severity: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    level: Mapped[str | None] = mapped_column(String(10))
    # OSV `ranges` (SEMVER, introduced / fixed / last_affected events) and explicit `versions`.
    ranges: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    versions: Mapped[list[str]] = mapped_column(JSON, default=list)
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    withdrawn_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))

    app: Mapped[App] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
