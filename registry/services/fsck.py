"""Consistency between the database and the artifact store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Artifact, Release
from registry.storage import ArtifactStore


@dataclass
class FsckReport:
    """What is wrong: files nobody points at, releases whose file is gone or altered."""

    orphans: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "app@version sha256"
    corrupt: list[str] = field(default_factory=list)
    stale_staging: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def clean(self) -> bool:
        return not (self.orphans or self.missing or self.corrupt or self.stale_staging)


def fsck(session: Session, store: ArtifactStore, *, repair: bool = False) -> FsckReport:
    """Check every release's file and every stored file; ``repair`` removes orphans.

    Missing and corrupt files are reported, never "repaired": only the
    publisher's original can restore them.
    """
    report = FsckReport()
    referenced: set[str] = set()
    rows = session.execute(select(App.slug, Release.version, Release.artifact_sha256).join(App))
    for slug, version, sha256 in rows:
        referenced.add(sha256)
        report.checked += 1
        if not store.exists(sha256):
            report.missing.append(f"{slug}@{version} {sha256}")
        elif _digest(store, sha256) != sha256:
            report.corrupt.append(f"{slug}@{version} {sha256}")
    known = set(session.scalars(select(Artifact.sha256)))
    for sha256 in store.digests():
        if sha256 not in referenced:
            with store.lock(sha256):
                # Look again under the lock: a publish may have just committed it.
                if session.scalar(select(Release.id).where(Release.artifact_sha256 == sha256)):
                    continue
                report.orphans.append(sha256)
                if repair:
                    store.delete(sha256)
                    report.repaired.append(sha256)
    stale = getattr(store, "stale_staging_files", lambda: [])()
    report.stale_staging = [str(p.name) for p in stale]
    if repair:
        for path in stale:
            path.unlink(missing_ok=True)
            report.repaired.append(path.name)
        _forget_unused_artifacts(session, known - referenced)
    return report


def _digest(store: ArtifactStore, sha256: str) -> str:
    digest = hashlib.sha256()
    with store.open(sha256) as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _forget_unused_artifacts(session: Session, unused: set[str]) -> None:
    for sha256 in unused:
        artifact = session.get(Artifact, sha256)
        if artifact is not None:
            session.delete(artifact)
    session.commit()
