"""``appstore publish``: build when needed, check locally, upload.

Local errors stop a publish before any upload (``check=False`` skips the local
check; the registry verifies every upload anyway, so skipping it only moves
the same errors to the server's answer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sdk.archive import sha256_file
from sdk.builder import build_package
from sdk.checking import CheckReport, check_path
from sdk.client import Progress, PublishResult, RegistryClient
from sdk.errors import AppstoreError, PackageRejected
from sdk.signatures import sign


@dataclass(frozen=True)
class PublishOutcome:
    """What happened to one folder or archive."""

    source: str
    archive: Path
    sha256: str
    report: CheckReport | None = None
    result: PublishResult | None = None  # None on a dry run

    @property
    def already_published(self) -> bool:
        return bool(self.result and self.result.already_published)


def locate_archive(path: Path) -> Path:
    """The archive to upload: built from a folder, or the given file."""
    path = Path(path)
    if path.is_dir():
        return build_package(path).path
    if path.is_file():
        if not path.name.endswith(".tar.gz"):
            raise AppstoreError(f"{path} is not a package archive.",
                                hint="Give a project folder or a .tar.gz built by `appstore build`.")
        return path
    raise AppstoreError(f"{path} does not exist.",
                        hint="Give a project folder or a .tar.gz built by `appstore build`.")


def publish_one(
    path: Path,
    client: RegistryClient | None,
    *,
    check: bool = True,
    progress: Progress | None = None,
    sign_with: Ed25519PrivateKey | None = None,
) -> PublishOutcome:
    """Build, check and upload one package; ``client=None`` is a dry run.

    ``sign_with`` signs the package's sha256; the registry checks the signature
    against the organisation's registered keys.
    """
    archive = locate_archive(path)
    report = None
    if check:
        report = check_path(archive)
        if report.has_errors:
            rejected = PackageRejected(
                f"{archive.name} has errors; nothing was uploaded.", list(report.findings))
            rejected.hint = "Fix them and publish again (`appstore check` shows them as you go)."
            raise rejected
    sha256 = report.sha256 if report and report.sha256 else sha256_file(archive)
    fields = None
    if sign_with is not None:
        signature, key = sign(sign_with, sha256)
        fields = {"signature": signature, "signatureKey": key}
    result = client.publish(archive, progress=progress, signature=fields) if client is not None else None
    return PublishOutcome(str(path), archive, sha256, report, result)


def publish(
    paths: Iterable[Path],
    client: RegistryClient | None,
    *,
    check: bool = True,
    progress_for: Callable[[Path], Progress | None] | None = None,
    on_done: Callable[[PublishOutcome], None] | None = None,
    sign_with: Ed25519PrivateKey | None = None,
) -> list[PublishOutcome]:
    """Publish each path in turn; the first failure stops the rest."""
    outcomes = []
    for path in paths:
        progress = progress_for(Path(path)) if progress_for else None
        outcome = publish_one(Path(path), client, check=check, progress=progress, sign_with=sign_with)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes
