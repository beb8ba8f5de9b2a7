"""Core models: organisations, tokens, apps, releases, artifacts, findings, yanks, profiles, audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from sdk.findings import Finding, Kind, Severity

if TYPE_CHECKING:
    from registry.models.advisories import Advisory

__all__ = [
    "NAMING_CONVENTION",
    "ORGANISATION_KINDS",
    "RELEASE_PUBLISHED",
    "RELEASE_YANKED",
    "PROFILE_ACTIVE",
    "PROFILE_RETIRED",
    "utcnow",
    "table_of",
    "Base",
    "Organisation",
    "ApiToken",
    "App",
    "AppCategory",
    "Artifact",
    "Release",
    "ReleaseAsset",
    "FindingRecord",
    "Yank",
    "PlatformProfileRecord",
    "CompatibilityRecord",
    "AuditEvent",
    "AuditLogIsAppendOnly",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORGANISATION_KINDS = ("municipality", "cooperation", "vendor", "registry")
RELEASE_PUBLISHED = "published"
RELEASE_YANKED = "yanked"
PROFILE_ACTIVE = "active"
PROFILE_RETIRED = "retired"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment that always comes back as an aware datetime in UTC.

    SQLite hands back naive values (they were stored as UTC); PostgreSQL hands
    back the connection's time zone. Mending both here spares every reader
    the special case.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The table of a mapped class, for plain Core statements (no ORM machinery around them)."""
    return cast(Table, model.__table__)


class Organisation(Base):
    """A municipality, cooperation, vendor or the registry itself."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    verified: Mapped[bool] = mapped_column(default=False)
    # Set by a curator after checking the OIN (government) or KvK number (company).
    identifier_type: Mapped[str | None] = mapped_column(String(8))
    identifier: Mapped[str | None] = mapped_column(String(20), unique=True)
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="organisation")


class ApiToken(Base):
    """A secret that lets an organisation use the API. Only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="tokens")


class App(Base):
    """An app id, claimed by the organisation that published it first."""

    __tablename__ = "app"
    # The results' default order (runs somewhere, then latest change) read in index order:
    # a page of a large catalogue needs no sort of every app.
    __table_args__ = (Index("ix_app_runs_somewhere_updated_at", "runs_somewhere", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    layer: Mapped[str | None] = mapped_column(String(20), index=True)
    # Every layer of an app that spans several, as ",process,integration,": the
    # layer filter and facet count the app under each (see catalogue.in_layer).
    layers: Mapped[str] = mapped_column(String(120), default="")
    # The latest release's licence and kind, for the catalogue's facets; who may
    # download a release is decided by that release's own licence.
    license: Mapped[str] = mapped_column(String(200))
    license_kind: Mapped[str] = mapped_column(String(12), default="open")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    latest_version: Mapped[str | None] = mapped_column(String(100))
    # Whether some release runs on an active platform profile: search ranks such apps first.
    runs_somewhere: Mapped[bool] = mapped_column(default=False)
    # The profiles the offered release is verified compatible with, as ",haven,vng-cloud,":
    # the web store's platform filter and counts read the app row, not a join through
    # releases and verdicts (see catalogue.runs_on_column).
    runs_on: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Digests of the confusables skeletons (UTS #39) of the id and the name:
    # look-alikes share them. A digest, because NFKC can make a skeleton far
    # longer than its text, and an index needs a bounded key.
    id_skeleton: Mapped[str] = mapped_column(String(64), default="", index=True)
    name_skeleton: Mapped[str] = mapped_column(String(64), default="", index=True)
    name_cased_skeleton: Mapped[str] = mapped_column(String(64), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship()
    releases: Mapped[list[Release]] = relationship(back_populates="app", order_by="Release.id")
    # Read only: advisories are written through their own service.
    advisories: Mapped[list[Advisory]] = relationship(order_by="Advisory.id", viewonly=True)


class AppCategory(Base):
    """One category of an app, in lower case, kept by publishing next to ``App.categories``:
    the web store counts and filters categories through its index, not the JSON of every app."""

    __tablename__ = "app_category"
    __table_args__ = (Index("ix_app_category_category", "category", "app_id"),)

    app_id: Mapped[int] = mapped_column(ForeignKey("app.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)


class Artifact(Base):
    """A stored package archive, addressed by its sha256."""

    __tablename__ = "artifact"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Release(Base):
    """One version of an app. Releases are never deleted, so versions are never reused."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("app_id", "version", name="uq_release_app_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"))
    version: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=RELEASE_PUBLISHED)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    publiccode: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    readme: Mapped[str | None] = mapped_column(Text)
    changelog: Mapped[str | None] = mapped_column(Text)
    # Normalised once at publish (sdk.licences); decides who may download this release.
    license: Mapped[str] = mapped_column(String(200))
    license_kind: Mapped[str] = mapped_column(String(12))
    # When the images were copied from the package into the store (None: not yet).
    assets_extracted_at: Mapped[datetime | None]
    artifact_sha256: Mapped[str] = mapped_column(ForeignKey("artifact.sha256"), index=True)
    published_by: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    app: Mapped[App] = relationship(back_populates="releases")
    artifact: Mapped[Artifact] = relationship()
    findings: Mapped[list[FindingRecord]] = relationship(
        back_populates="release", order_by="FindingRecord.id", cascade="all, delete-orphan"
    )
    yanks: Mapped[list[Yank]] = relationship(back_populates="release", order_by="Yank.id")
    compatibility: Mapped[list[CompatibilityRecord]] = relationship(
        back_populates="release", cascade="all, delete-orphan"
    )
    assets: Mapped[list[ReleaseAsset]] = relationship(
        back_populates="release", order_by="ReleaseAsset.path", cascade="all, delete-orphan"
    )

    @property
    def yanked(self) -> bool:
        return self.status == RELEASE_YANKED

    @property
    def commercial(self) -> bool:
        return self.license_kind != "open"  # fail closed on anything unexpected


class ReleaseAsset(Base):
    """An image of a release's package (screenshot, logo, README image), kept as its own
    blob in the artifact store so that pages never unpack the package to show it."""

    __tablename__ = "release_asset"
    __table_args__ = (UniqueConstraint("release_id", "path", name="uq_release_asset_release_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))  # in the package, normalised
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)

    release: Mapped[Release] = relationship(back_populates="assets")


class FindingRecord(Base):
    """A finding as stored with its release. ``profile`` is set for platform findings."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(500), default="")
    plugin: Mapped[str] = mapped_column(String(100), default="")
    profile: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(10))  # runs | policy | advice, for platform findings
    # The values the message is made from, so that pages render it in the reader's language.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    release: Mapped[Release] = relationship(back_populates="findings")

    def as_finding(self) -> Finding:
        return Finding(self.code, Severity(self.severity), self.message, self.key, self.plugin,
                       kind=Kind(self.kind) if self.kind else None, data=self.data or {})


class Yank(Base):
    """A release withdrawn by its publisher, with the reason municipalities read."""

    __tablename__ = "yank"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    release: Mapped[Release] = relationship(back_populates="yanks")


class PlatformProfileRecord(Base):
    """A platform profile as its curator wrote it (YAML), with its revision.

    Profiles are retired, never deleted: releases keep their verdicts on them.
    """

    __tablename__ = "platform_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=PROFILE_ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CompatibilityRecord(Base):
    """Whether a release runs on a profile, as verified against one revision of it.

    The findings that decide it are the release's findings with this profile.
    """

    __tablename__ = "compatibility"
    __table_args__ = (UniqueConstraint("release_id", "profile_id", name="uq_compatibility_release_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("platform_profile.id"), index=True)
    # Whether it may be installed there: it runs and meets the policies the profile enforces.
    compatible: Mapped[bool]
    runs: Mapped[bool] = mapped_column(default=True)
    meets_policy: Mapped[bool] = mapped_column(default=True)
    failed_policies: Mapped[list[str]] = mapped_column(JSON, default=list)
    profile_revision: Mapped[int]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    release: Mapped[Release] = relationship(back_populates="compatibility")
    profile: Mapped[PlatformProfileRecord] = relationship()


class AuditEvent(Base):
    """Who changed what, when. Append-only: rows are never updated or deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit event."""

