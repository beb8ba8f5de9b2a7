"""Commercial modules: a vendor's listing, its entitlements, municipalities'
interest in buying together, and the log of package downloads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from registry.models.core import App, Base, Organisation, Release, utcnow

__all__ = [
    "PRICING_MODELS",
    "HOSTING_OPTIONS",
    "SUPPORT_HOURS",
    "Listing",
    "Entitlement",
    "Interest",
    "CommercialDownload",
]

PRICING_MODELS = ("per-inhabitant", "per-user", "fixed", "on-request")
#: Where the module runs: on the municipality's shared (Haven) platform, or run by the vendor as a service.
HOSTING_OPTIONS = ("shared-platform", "saas")
SUPPORT_HOURS = ("office-hours", "extended", "24x7")


class Listing(Base):
    """What a municipality needs to know to buy a commercial module. One per app."""

    __tablename__ = "listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), unique=True)
    pricing_model: Mapped[str] = mapped_column(String(20))
    pricing_note: Mapped[str] = mapped_column(Text, default="")
    hosting: Mapped[list[str]] = mapped_column(JSON, default=list)
    support_hours: Mapped[str] = mapped_column(String(20))
    support_note: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    framework_name: Mapped[str | None] = mapped_column(String(200))
    framework_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))

    # A backref, so that the core App model need not know about vendors.
    app: Mapped[App] = relationship(backref=backref("listing", uselist=False))


class Entitlement(Base):
    """An organisation may download a vendor's commercial module. Revoking deletes
    the row; the audit log keeps the history."""

    __tablename__ = "entitlement"
    __table_args__ = (UniqueConstraint("app_id", "organisation_id", name="uq_entitlement_app_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by: Mapped[str] = mapped_column(String(100))

    app: Mapped[App] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Interest(Base):
    """A municipality would like to buy a commercial module, together with others."""

    __tablename__ = "interest"
    __table_args__ = (UniqueConstraint("app_id", "organisation_id", name="uq_interest_app_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)

    app: Mapped[App] = relationship()
    organisation: Mapped[Organisation] = relationship()


class CommercialDownload(Base):
    """Content of a commercial release sent to an organisation (the package, a bundle
    made from it, an image). Append-only."""

    __tablename__ = "commercial_download"
    __table_args__ = (Index("ix_commercial_download_app_at", "app_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"))
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="package", server_default="package")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    release: Mapped[Release] = relationship()
    organisation: Mapped[Organisation] = relationship()
