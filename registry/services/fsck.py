"""Consistency between the database and the artifact store: packages and release images."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, selectinload

from registry.models import App, Artifact, Organisation, Release, ReleaseAsset, SignedMetadata, utcnow
from registry.services.release_assets import ReleaseAssets
from registry.storage import ArtifactStore, copy_hashing

#: An app row without a release is left by an earlier version's publish that failed between
#: claiming the id and recording the release (publishes now commit both at once); an hour
#: old, it was abandoned.
CLAIM_GRACE = timedelta(hours=1)


@dataclass
class FsckReport:
    """What is wrong: files nobody points at, releases whose file is gone or altered,
    releases whose images were not taken out of their package yet, app ids
    claimed by a publish that never got its release in."""

    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "app@version [path] sha256" or "N.role.json sha256"
    corrupt: list[str] = field(default_factory=list)
    stale_staging: list[str] = field(default_factory=list)
    unreleased_claims: list[str] = field(default_factory=list)  # "app (organisation)"
    unextracted: list[str] = field(default_factory=list)  # "app@version"
    repaired: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def clean(self) -> bool:
        return not (self.orphans or self.missing or self.corrupt or self.stale_staging or self.unextracted
                    or self.unreleased_claims)


def fsck(session: Session, store: ArtifactStore, *, repair: bool = False,
         claim_grace: timedelta = CLAIM_GRACE) -> FsckReport:
    """Check every release's package and images, every stored file, and claimed app ids.

    ``repair`` removes orphans and stale uploads, and takes images out of intact
    packages (again, when an image's blob is missing or altered). A missing or
    corrupt package is reported, never "repaired": only the publisher's original
    can restore it. App ids claimed longer than ``claim_grace`` ago without any
    release are reported, and ``repair`` gives them back; younger claims may
    belong to a publish in progress.
    """
    report = FsckReport()
    referenced: set[str] = set()
    intact: set[int] = set()
    releases = session.scalars(select(Release).join(App).order_by(Release.id)
                               .options(selectinload(Release.assets), selectinload(Release.app)))
    for release in releases:
        label = f"{release.app.slug}@{release.version}"
        sha256 = release.artifact_sha256
        referenced.add(sha256)
        report.checked += 1
        if not store.exists(sha256):
            report.missing.append(f"{label} {sha256}")
        elif _digest(store, sha256) != sha256:
            report.corrupt.append(f"{label} {sha256}")
        else:
            intact.add(release.id)
        damaged = _check_images(store, release, label, report)
        referenced.update(asset.sha256 for asset in release.assets)
        if release.assets_extracted_at is None:
            report.unextracted.append(label)
        if repair and release.id in intact and (damaged or release.assets_extracted_at is None):
            _extract_again(session, store, release, label, report)
    _check_signed_metadata(session, store, referenced, report)
    known = set(session.scalars(select(Artifact.sha256)))
    _orphans(session, store, referenced, report, repair)
    report.stale_staging = store.unfinished_writes()
    if repair:
        for name in report.stale_staging:
            store.discard_unfinished(name)
            report.repaired.append(name)
        _forget_unused_artifacts(session, known - referenced)
    _check_claims(session, report, repair, claim_grace)
    return report


def _check_claims(session: Session, report: FsckReport, repair: bool, grace: timedelta) -> None:
    cutoff = utcnow() - grace
    unreleased = session.execute(
        select(App.id, App.slug, Organisation.slug).join(Organisation, App.organisation_id == Organisation.id)
        .where(~exists().where(Release.app_id == App.id), App.created_at < cutoff).order_by(App.slug)
    ).all()
    for app_id, slug, owner in unreleased:
        report.unreleased_claims.append(f"{slug} ({owner})")
        if repair and _give_back(session, app_id):
            report.repaired.append(slug)


def _give_back(session: Session, app_id: int) -> bool:
    """Delete an app row that has no release. Conditional, so that a publish that got its
    release in meanwhile keeps the app. Whether the row went."""
    deleted = session.execute(delete(App).where(App.id == app_id, ~exists().where(Release.app_id == App.id)))
    return bool(deleted.rowcount == 1)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult


def _check_images(store: ArtifactStore, release: Release, label: str, report: FsckReport) -> bool:
    """Report images whose blob is gone or altered; True when there was one."""
    damaged = False
    for asset in release.assets:
        if not store.exists(asset.sha256):
            report.missing.append(f"{label} {asset.path} {asset.sha256}")
            damaged = True
        elif _digest(store, asset.sha256) != asset.sha256:
            report.corrupt.append(f"{label} {asset.path} {asset.sha256}")
            damaged = True
    return damaged


def _extract_again(session: Session, store: ArtifactStore, release: Release, label: str,
                   report: FsckReport) -> None:
    for asset in release.assets:
        if not store.exists(asset.sha256) or _digest(store, asset.sha256) != asset.sha256:
            store.delete(asset.sha256)  # an altered blob: the package's copy replaces it
    release.assets_extracted_at = None
    release.assets = []
    session.flush()
    ReleaseAssets(session, store).ensure_extracted(release)
    report.repaired.append(f"{label} images")


def _orphans(session: Session, store: ArtifactStore, referenced: set[str], report: FsckReport,
             repair: bool) -> None:
    for sha256 in store.keys():
        if sha256 in referenced:
            continue
        with store.lock(sha256):
            # Look again under the lock: a publish may have just committed it.
            if session.scalar(select(Release.id).where(Release.artifact_sha256 == sha256)) or \
                    session.scalar(select(ReleaseAsset.id).where(ReleaseAsset.sha256 == sha256)):
                continue
            report.orphans.append(sha256)
            if repair:
                store.delete(sha256)
                report.repaired.append(sha256)


def _digest(store: ArtifactStore, sha256: str) -> str:
    with store.open(sha256) as source:
        return copy_hashing(source)[0]


def _forget_unused_artifacts(session: Session, unused: set[str]) -> None:
    for sha256 in unused:
        artifact = session.get(Artifact, sha256)
        if artifact is not None:
            session.delete(artifact)
    session.flush()


def _check_signed_metadata(session: Session, store: ArtifactStore, referenced: set[str], report: FsckReport) -> None:
    """Every version of the signed TUF metadata the database lists must be in the store: clients
    walk the chain of root versions, and a lost one leaves them unable to update."""
    for role, version, sha256 in session.execute(
            select(SignedMetadata.role, SignedMetadata.version, SignedMetadata.blob_sha256)
            .order_by(SignedMetadata.role, SignedMetadata.version)):
        referenced.add(sha256)
        if not store.exists(sha256):
            report.missing.append(f"{version}.{role}.json {sha256}")
