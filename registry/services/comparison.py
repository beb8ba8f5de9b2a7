"""Comparing 2 to 4 apps side by side: the facts a municipality weighs when it
chooses between them, gathered for all of them at once.

A bounded number of queries whatever the apps' histories: the apps with their
publishers, their latest releases, those releases' verdicts with profiles, the
adoption counts and the vendor listings. No release besides the latest is read.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from registry.errors import RegistryError
from registry.models import (
    PROFILE_ACTIVE,
    App,
    CompatibilityRecord,
    Environment,
    Installation,
    Listing,
    Organisation,
    Release,
)
from registry.services.installations import PRODUCTION
from sdk import problems
from sdk.licences import OPEN
from sdk.manifest import is_slug
from sdk.requirements import ApiNeed, api_needs

MIN_APPS, MAX_APPS = 2, 4
#: How many ids a request may name before it is refused unread (duplicates included).
MAX_IDS = 20

#: Why a choice of apps cannot be compared; pages word these codes in the reader's language.
TOO_FEW, TOO_MANY, UNKNOWN = "compare.too-few", "compare.too-many", "compare.unknown"


class ComparisonRefused(RegistryError):
    """The chosen apps cannot be compared: ``code`` says why, ``chosen`` holds the
    ids as understood (duplicates dropped), ``unknown`` those the catalogue lacks."""

    def __init__(self, code: str, detail: str, chosen: list[str], unknown: list[str] | None = None) -> None:
        super().__init__(detail, code=code)
        self.code = code
        self.chosen = chosen
        self.unknown = unknown or []


@dataclass(frozen=True)
class PlatformVerdict:
    """How the latest release fares on one platform profile (the shape the pages' verdict badge reads)."""

    runs: bool
    meets_policy: bool
    failed_policies: list[str]


@dataclass(frozen=True)
class ApiOffer:
    api: str
    version: str | None


@dataclass(frozen=True)
class ComparedApp:
    slug: str
    name: str
    summary: str
    layers: list[str]
    licence: str  # the SPDX expression
    licence_kind: str  # open | proprietary
    publisher_slug: str
    publisher_name: str
    publisher_kind: str
    publisher_verified: bool
    latest_version: str | None
    released_at: datetime | None
    platforms: dict[str, PlatformVerdict]  # by profile slug; missing: not verified there
    provides: list[ApiOffer]
    requires: list[ApiNeed]
    adoption: int  # municipalities running it in production
    maintenance: str | None  # publiccode.yml maintenance.type
    development_status: str | None  # publiccode.yml developmentStatus
    pricing_model: str | None  # commercial modules with a listing only
    pricing_note: str = ""


@dataclass(frozen=True)
class Comparison:
    apps: list[ComparedApp]
    profiles: list[tuple[str, str]]  # (slug, name) of the active profiles any of the apps was verified on
    differing: frozenset[str] = field(default_factory=frozenset)  # rows whose values differ between apps

    def differs(self, row: str) -> bool:
        return row in self.differing


class ComparisonService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def compare(self, ids: list[str]) -> Comparison:
        """The apps ``ids`` side by side, in the order given; refused (400) for fewer
        than 2 or more than 4 different ids, and (404) where an id is no app."""
        chosen = choose(ids)
        apps = self._apps(chosen)
        unknown = [slug for slug in chosen if slug not in apps]
        if unknown:
            raise _Unknown(chosen, unknown)
        ordered = [apps[slug] for slug in chosen]
        latest = self._latest_releases(ordered)
        adoption = self._adoption([a.id for a in ordered])
        listings = self._listings([a.id for a in ordered if a.license_kind != OPEN])
        compared = [_compared(a, latest.get(a.id), adoption.get(a.id, 0), listings.get(a.id)) for a in ordered]
        profiles = _profiles(latest.values())
        return Comparison(compared, profiles, _differing(compared, [slug for slug, _ in profiles]))

    def _apps(self, slugs: list[str]) -> dict[str, App]:
        statement = select(App).where(App.slug.in_(slugs)).options(joinedload(App.organisation))
        return {app.slug: app for app in self.session.scalars(statement)}

    def _latest_releases(self, apps: list[App]) -> dict[int, Release]:
        statement = (
            select(Release)
            .join(App, and_(App.id == Release.app_id, App.latest_version == Release.version))
            .where(App.id.in_([a.id for a in apps]))
            .options(selectinload(Release.compatibility).joinedload(CompatibilityRecord.profile))
        )
        return {release.app_id: release for release in self.session.scalars(statement)}

    def _adoption(self, app_ids: list[int]) -> dict[int, int]:
        """Municipalities per app with it in a production environment, as the app page counts them."""
        statement = (
            select(Installation.app_id, func.count(func.distinct(Organisation.id)))
            .join(Environment, Environment.id == Installation.environment_id)
            .join(Organisation, Organisation.id == Environment.organisation_id)
            .where(Installation.app_id.in_(app_ids), Environment.stage == PRODUCTION,
                   Environment.archived_at.is_(None), Organisation.kind == "municipality")
            .group_by(Installation.app_id)
        )
        return {app_id: int(count) for app_id, count in self.session.execute(statement).all()}

    def _listings(self, app_ids: list[int]) -> dict[int, Listing]:
        if not app_ids:
            return {}
        return {listing.app_id: listing
                for listing in self.session.scalars(select(Listing).where(Listing.app_id.in_(app_ids)))}


def choose(ids: list[str]) -> list[str]:
    """The ids to compare, duplicates and blanks dropped, in order; refused unless 2 to 4."""
    if len(ids) > MAX_IDS:
        raise _too_many(ids[:MAX_APPS])
    chosen = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    if len(chosen) > MAX_APPS:
        raise _too_many(chosen)
    malformed = [i for i in chosen if not is_slug(i)]
    if malformed:
        raise _Unknown([i for i in chosen if i not in malformed], malformed)
    if len(chosen) < MIN_APPS:
        raise ComparisonRefused(TOO_FEW, f"Choose {MIN_APPS} to {MAX_APPS} apps to compare; "
                                f"{len(chosen)} chosen.", chosen)
    return chosen


def _too_many(chosen: list[str]) -> ComparisonRefused:
    return ComparisonRefused(TOO_MANY, f"Compare at most {MAX_APPS} apps at once; leave some out.",
                             chosen[:MAX_APPS] if len(chosen) > MAX_IDS else chosen)


class _Unknown(ComparisonRefused):
    kind = problems.NOT_FOUND

    def __init__(self, chosen: list[str], unknown: list[str]) -> None:
        super().__init__(UNKNOWN, "No app has the id " + ", ".join(f"`{u[:64]}`" for u in unknown)
                         + "; check the ids or choose the apps from the catalogue.",
                         [c for c in chosen if c not in unknown], unknown)


def _compared(app: App, latest: Release | None, adoption: int, listing: Listing | None) -> ComparedApp:
    manifest = latest.manifest if latest else {}
    publiccode = (latest.publiccode if latest else None) or {}
    maintenance = publiccode.get("maintenance")
    return ComparedApp(
        slug=app.slug, name=app.name, summary=app.summary,
        layers=[layer for layer in (app.layers or "").split(",") if layer] or ([app.layer] if app.layer else []),
        licence=app.license, licence_kind="open" if app.license_kind == OPEN else "proprietary",
        publisher_slug=app.organisation.slug, publisher_name=app.organisation.name,
        publisher_kind=app.organisation.kind, publisher_verified=app.organisation.verified,
        latest_version=latest.version if latest else None,
        released_at=latest.published_at if latest else None,
        platforms={c.profile.slug: PlatformVerdict(c.runs, c.meets_policy, list(c.failed_policies or []))
                   for c in (latest.compatibility if latest else [])},
        provides=_provided(manifest),
        requires=api_needs(manifest),
        adoption=adoption,
        maintenance=_text(maintenance.get("type")) if isinstance(maintenance, dict) else None,
        development_status=_text(publiccode.get("developmentStatus")),
        pricing_model=listing.pricing_model if listing else None,
        pricing_note=listing.pricing_note if listing else "",
    )


def _provided(manifest: dict[str, Any] | None) -> list[ApiOffer]:
    items = (manifest or {}).get("provides")
    return [ApiOffer(item["api"], _text(item.get("version")))
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("api"), str)]


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int | float) and str(value) else None


def _profiles(releases: Any) -> list[tuple[str, str]]:
    """The active profiles any of the releases was verified on, by name."""
    found = {c.profile.slug: c.profile.name for release in releases for c in release.compatibility
             if c.profile.status == PROFILE_ACTIVE}
    return sorted(found.items(), key=lambda item: (item[1].lower(), item[0]))


def _differing(apps: list[ComparedApp], profiles: list[str]) -> frozenset[str]:
    """The rows in which not every app shows the same."""
    rows: dict[str, list[Hashable]] = {
        "layer": [tuple(a.layers) for a in apps],
        "licence": [a.licence_kind for a in apps],
        "publisher": [(a.publisher_slug, a.publisher_verified) for a in apps],
        "provides": [tuple(a.provides) for a in apps],
        "requires": [tuple(a.requires) for a in apps],
        "adoption": [a.adoption for a in apps],
        "maintenance": [(a.maintenance, a.development_status) for a in apps],
        "latest": [a.latest_version for a in apps],
        "price": [(a.pricing_model, a.pricing_note) for a in apps],
    }
    for slug in profiles:
        rows["platform:" + slug] = [a.platforms.get(slug) and _verdict_key(a.platforms[slug]) for a in apps]
    return frozenset(row for row, values in rows.items() if len(set(values)) > 1)


def _verdict_key(verdict: PlatformVerdict) -> Hashable:
    return (verdict.runs, verdict.meets_policy, tuple(verdict.failed_policies))
