"""Municipal installs: environments, the API provider index, install plans,
installed apps with their append-only history, and organisation preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.core import App, Base, Organisation, PlatformProfileRecord, Release, utcnow

__all__ = [
    "ENVIRONMENT_STAGES",
    "INSTALLED",
    "UPGRADED",
    "DOWNGRADED",
    "REMOVED",
    "Environment",
    "ApiProvision",
    "InstallPlanRecord",
    "Installation",
    "InstallationEvent",
    "OrganisationPreference",
]

ENVIRONMENT_STAGES = ("test", "acceptance", "production")
INSTALLED, UPGRADED, DOWNGRADED, REMOVED = "installed", "upgraded", "downgraded", "removed"


class Environment(Base):
    """Where a municipality runs apps: bound to a platform profile, with its config values.

    ``promote_from`` names the environment a release must have run in first.
    Environments are archived, never deleted: their installation history stays.
    """

    __tablename__ = "environment"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_environment_organisation_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(20))
    profile_id: Mapped[int] = mapped_column(ForeignKey("platform_profile.id"), index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    app_config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # External APIs (BRP, KVK, BAG) the municipality confirms it has access to here.
    confirmed_apis: Mapped[list[str]] = mapped_column(JSON, default=list)
    promote_from_id: Mapped[int | None] = mapped_column(ForeignKey("environment.id"))
    namespace_mode: Mapped[str] = mapped_column(String(10), default="per-app")  # per-app | shared
    namespace_prefix: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    profile: Mapped[PlatformProfileRecord] = relationship()
    promote_from: Mapped[Environment | None] = relationship(remote_side=[id])


class ApiProvision(Base):
    """The provider index: release R provides API ``api`` at ``version``.

    Filled from the manifest when a release is added (see the flush hook below),
    so that "who provides zgw-catalogi ^1.0" is one indexed query.
    """

    __tablename__ = "api_provision"
    __table_args__ = (
        UniqueConstraint("release_id", "api", name="uq_api_provision_release_api"),
        Index("ix_api_provision_api_app", "api", "app_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"))
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"))
    api: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(100))

    release: Mapped[Release] = relationship()
    app: Mapped[App] = relationship()


class InstallPlanRecord(Base):
    """A computed install plan, kept so that the bundle and the record match what was shown."""

    __tablename__ = "install_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environment.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    environment: Mapped[Environment] = relationship()


class Installation(Base):
    """The release of an app that runs in an environment now (one row per app)."""

    __tablename__ = "installation"
    __table_args__ = (UniqueConstraint("environment_id", "app_id", name="uq_installation_environment_app"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environment.id"))
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"))
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    environment: Mapped[Environment] = relationship()
    app: Mapped[App] = relationship()
    release: Mapped[Release] = relationship()


class InstallationEvent(Base):
    """One change to an environment's installed set. Append-only."""

    __tablename__ = "installation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environment.id"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"))
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    previous_release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id"))
    action: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("install_plan.id"))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    app: Mapped[App] = relationship()
    release: Mapped[Release] = relationship(foreign_keys=[release_id])
    previous_release: Mapped[Release | None] = relationship(foreign_keys=[previous_release_id])


class OrganisationPreference(Base):
    """Choices an organisation makes about itself, e.g. being named as a user of an app."""

    __tablename__ = "organisation_preference"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    show_in_adoption: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def provisions(release: Release) -> list[ApiProvision]:
    """Index rows for the APIs a release's manifest provides."""
    rows: dict[str, ApiProvision] = {}
    for item in (release.manifest or {}).get("provides") or ():
        if isinstance(item, dict) and isinstance(item.get("api"), str) and isinstance(item.get("version"), str):
            rows.setdefault(item["api"], ApiProvision(release=release, app=release.app,
                                                      api=item["api"], version=item["version"]))
    return list(rows.values())

