"""The compatibility matrix: for each release and active profile, does it run there?

It is filled when a release is published, and again for every release that is
not yanked when a profile is added or changed (``appstore-registry profile
add``), when curators ask (``appstore-registry reverify``), and daily for
profiles whose policy became binding since the last check
(``appstore-registry reverify --due``, run from cron).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pluggy
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from registry.models import (
    RELEASE_PUBLISHED,
    App,
    CompatibilityRecord,
    FindingRecord,
    PlatformProfileRecord,
    Release,
    table_of,
    utcnow,
)
from registry.services.catalogue import refresh_latest_version
from registry.services.profiles import ProfileService, as_profile
from registry.services.signature_policy import validly_signed, with_signature_policy
from registry.services.stored_packages import open_stored_package
from registry.storage import ArtifactStore
from sdk.budget import OutOfTime
from sdk.findings import Finding, Kind
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.verification import Compatibility, check_platforms
from sdk.versions import sort_key

# The tables themselves: a Core INSERT of plain rows, no ORM bulk machinery around it.
_FINDINGS = table_of(FindingRecord)
_VERDICTS = table_of(CompatibilityRecord)


def finding_values(finding: Finding, profile: str | None = None) -> dict[str, Any]:
    """The columns of a stored finding (without its release)."""
    return {"code": finding.code, "severity": finding.severity.value, "message": finding.message,
            "key": finding.key, "plugin": finding.plugin, "profile": profile, "data": dict(finding.data),
            "kind": finding.kind.value if finding.kind else None}


def verdict_values(record_of: PlatformProfileRecord, result: Compatibility, checked_at: datetime) -> dict[str, Any]:
    """The columns of a stored verdict on one profile (without its release)."""
    return {"profile_id": record_of.id, "compatible": result.compatible, "runs": result.runs,
            "meets_policy": result.meets_policy, "failed_policies": list(result.failed_policies),
            "profile_revision": record_of.revision, "checked_at": checked_at}


def finding_record(finding: Finding, profile: str | None = None) -> FindingRecord:
    return FindingRecord(**finding_values(finding, profile))


@dataclass(frozen=True)
class PublishedRows:
    """The findings and verdicts of a release about to be recorded, as the rows they become
    (without the release's id): made before the publish's transaction writes, which on
    SQLite holds the database's one write lock."""

    findings: list[dict[str, Any]]
    verdicts: list[tuple[PlatformProfileRecord, dict[str, Any]]]


def published_rows(findings: Iterable[Finding],
                   verdicts: Iterable[tuple[PlatformProfileRecord, Compatibility]]) -> PublishedRows:
    """The rows of a new release's ``findings`` and ``verdicts`` (one per profile)."""
    found = [finding_values(f) for f in findings]
    matrix: list[tuple[PlatformProfileRecord, dict[str, Any]]] = []
    checked_at = utcnow()
    for record_of, result in verdicts:
        found += [finding_values(f, record_of.slug) for f in result.findings]
        matrix.append((record_of, verdict_values(record_of, result, checked_at)))
    return PublishedRows(found, matrix)


def record_published(session: Session, release: Release, rows: PublishedRows) -> None:
    """Store the findings and verdicts of a release that was just flushed (it has its id).

    The rows go out as one Core INSERT per table: nothing in the request changes
    them, so the unit of work's bookkeeping per object would be spent for nothing.
    The release's collections get the same values, as loaded, for the answer (not in
    the session: reading them loads nothing and writes nothing).
    """
    if rows.findings:
        session.execute(insert(_FINDINGS), [{**row, "release_id": release.id} for row in rows.findings])
    if rows.verdicts:
        session.execute(insert(_VERDICTS), [{**row, "release_id": release.id} for _, row in rows.verdicts])
    set_committed_value(release, "findings", [FindingRecord(release_id=release.id, **row) for row in rows.findings])
    set_committed_value(release, "compatibility", [
        CompatibilityRecord(release_id=release.id, profile=record_of, **row) for record_of, row in rows.verdicts])


def record(release: Release, record_of: PlatformProfileRecord, result: Compatibility) -> None:
    """Put one profile's verdict on a release, replacing an earlier one."""
    release.findings = [f for f in release.findings if f.profile != record_of.slug]
    release.findings += [finding_record(f, record_of.slug) for f in result.findings]
    values = verdict_values(record_of, result, utcnow())
    existing = next((c for c in release.compatibility if c.profile_id == record_of.id), None)
    if existing is None:
        release.compatibility.append(CompatibilityRecord(profile=record_of, **values))
        return
    for column, value in values.items():
        setattr(existing, column, value)


def verdict_words(entry: CompatibilityRecord) -> str:
    """A stored verdict in a few words, for command lines and logs."""
    if not entry.runs:
        return "does not run"
    if not entry.meets_policy:
        return "runs, but does not meet policy " + ", ".join(entry.failed_policies or ["?"])
    return "runs"


@dataclass(frozen=True)
class ImpactEntry:
    """An app whose latest release would stop running if the profile changed so."""

    app_id: str
    version: str
    findings: tuple[Finding, ...]


class CompatibilityService:
    def __init__(self, session: Session, store: ArtifactStore, plugins: pluggy.PluginManager) -> None:
        self.session = session
        self.store = store
        self.plugins = plugins

    def reverify(self, slugs: Iterable[str] | None = None, today: date | None = None) -> Iterator[str]:
        """Verify every release that is not yanked against the named (or all active) profiles."""
        wanted = set(slugs) if slugs is not None else None
        profiles = [(r, p) for r, p in ProfileService(self.session).active() if wanted is None or r.slug in wanted]
        if not profiles:
            return
        context = VerificationContext(profiles=tuple(p for _, p in profiles), today=today or date.today())
        records = {p.id: r for r, p in profiles}
        for release in self._releases():
            package = self._package(release)
            results = with_signature_policy(self._check(package, context), {p.id: p for p in context.profiles},
                                            validly_signed(release), release.published_at.date())
            for result in results:
                record(release, records[result.profile], result)
            refresh_latest_version(self.session, release.app)
            self.session.flush()
            yield f"{release.app.slug} {release.version}: " + ", ".join(
                f"{c.profile.slug} {verdict_words(c)}" for c in release.compatibility if c.profile.slug in records)

    def due(self, today: date | None = None) -> list[str]:
        """Profiles with a policy that became binding after their last verification."""
        today = today or date.today()
        due = []
        for record_of, profile in ProfileService(self.session).active():
            last = self.session.scalars(
                select(CompatibilityRecord.checked_at).where(CompatibilityRecord.profile_id == record_of.id)
                .order_by(CompatibilityRecord.checked_at)
            ).first()
            last_day = last.date() if last else None
            if last_day is not None and any(p.binding_from is not None and last_day < p.binding_from <= today
                                            for p in profile.policies):
                due.append(record_of.slug)
        return due

    def impact(self, record_of: PlatformProfileRecord, kubernetes: str, today: date | None = None) -> list[ImpactEntry]:
        """Apps whose latest release runs on the profile now but not on ``kubernetes``."""
        current = as_profile(record_of)
        moved = replace(current, kubernetes_versions=(kubernetes,))
        context = VerificationContext(profiles=(moved,), today=today or date.today())
        affected = []
        for release in self._latest_releases():
            now = next((c for c in release.compatibility if c.profile_id == record_of.id), None)
            if now is not None and not now.compatible:
                continue  # does not run there today: nothing to lose
            result = self._check(self._package(release), context)[0]
            if not result.compatible:
                errors = tuple(f for f in result.findings if f.is_error)
                affected.append(ImpactEntry(release.app.slug, release.version, errors))
        return affected

    def _check(self, package: PackageView, context: VerificationContext) -> list[Compatibility]:
        """The platform checks of a stored package; out of time, it runs on none of the profiles."""
        try:
            return check_platforms(self.plugins, package, context)
        except OutOfTime as late:
            stopped = tuple(replace(f, kind=Kind.RUNS) for f in late.findings)
            return [Compatibility(p.id, runs=False, meets_policy=True, findings=stopped) for p in context.profiles]

    def _package(self, release: Release) -> PackageView:
        return open_stored_package(self.store, release)

    def _releases(self) -> list[Release]:
        return list(self.session.scalars(
            select(Release).where(Release.status == RELEASE_PUBLISHED).order_by(Release.id)
            .options(selectinload(Release.compatibility), selectinload(Release.findings),
                     selectinload(Release.app), selectinload(Release.artifact))
        ))

    def _latest_releases(self) -> list[Release]:
        latest = []
        apps = self.session.scalars(select(App).options(selectinload(App.releases)))
        for app in apps:
            candidates = [r for r in app.releases if not r.yanked]
            if candidates:
                latest.append(max(candidates, key=lambda r: sort_key(r.version)))
        return latest

