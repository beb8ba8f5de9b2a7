"""Verifying packages against the registry's signed metadata (TUF, with python-tuf's ngclient).

The trusted root of each registry is kept in ``<config dir>/trust/<registry>/``
with the newest metadata this computer has seen. It is pinned on first use:
the first ``install`` or ``download`` (or ``appstore trust init``) fetches
``1.root.json`` and walks the chain of roots to the newest, so later roots must
be signed by earlier ones. ``trust init --root FILE`` pins a root handed over
out of band instead (for a CI job or a municipality that wants no first-use
trust). From then on a changed package, a swapped file, an older (replayed)
timestamp or snapshot, a bad signature or expired metadata is refused.

A registry that has never served signed metadata to this computer is used as
before, with a warning; one that did and stops is refused (a downgrade).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata, Root, TargetFile
from tuf.ngclient import Updater

from sdk import config, messages
from sdk.errors import AppstoreError
from sdk.messages import reader_language as language
from sdk.messages import text

TRUST_FOLDER = "trust"
MAX_ROOT_BYTES = 512 * 1024


def target_path(app_id: str, version: str) -> str:
    """The TUF target path of a release's package (the registry names them alike)."""
    return f"packages/{app_id}/{app_id}-{version}.tar.gz"



class NotTrusted(AppstoreError):
    """The signed metadata refuses a package or itself; ``code`` names why (sdk/data/messages)."""

    def __init__(self, code: str, **data: Any) -> None:
        hint = messages.render(f"{code}.hint", data, language()) or messages.render(f"{code}.hint", data) or ""
        super().__init__(text(code, **data), hint=hint)
        self.code = code
        self.data = data


@dataclass(frozen=True)
class PinnedRoot:
    """The root a computer trusts for a registry now."""

    version: int
    keyids: tuple[str, ...]


class RegistryTrust:
    """One registry's signed metadata, as this computer has verified it."""

    def __init__(self, registry: str, folder: Path | None = None) -> None:
        self.registry = config.normalise_url(registry)
        self.folder = folder or config.config_path().parent / TRUST_FOLDER / quote(self.registry, safe="")
        self.base_url = f"{self.registry}/api/v1/tuf/"
        self._updater: Updater | None = None

    def pinned(self) -> bool:
        return (self.folder / "root.json").is_file()

    def init(self, root_file: Path | None = None) -> PinnedRoot:
        """Pin the root: ``root_file`` when given, else the registry's first one; then
        walk to the newest root and check the rest."""
        if root_file is not None:
            with root_file.open("rb") as handle:
                bootstrap = handle.read(MAX_ROOT_BYTES + 1)
            if len(bootstrap) > MAX_ROOT_BYTES:
                raise AppstoreError(f"{root_file} is too large for TUF root metadata.")
        else:
            first = self._first_root()
            if first is None:
                raise NotTrusted("trust.unsigned-registry", registry=self.registry)
            bootstrap = first
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.folder / "root.json").unlink(missing_ok=True)  # the new trust anchor replaces the old
        self._refreshed(bootstrap)
        root = Metadata[Root].from_bytes((self.folder / "root.json").read_bytes()).signed  # where the chain ended
        return PinnedRoot(root.version, tuple(sorted(root.roles["root"].keyids)))

    def verify(self, app_id: str, version: str, package: BinaryIO | bytes) -> TargetFile | None:
        """Check a release's package against the newest signed targets; ``None`` when the
        registry signs nothing and never did for this computer (the caller warns)."""
        info = self.signed_target(app_id, version)
        if info is None:
            return None
        try:
            info.verify_length_and_hashes(package)
        except tuf_errors.LengthOrHashMismatchError:
            raise NotTrusted("trust.package-changed", app=app_id, version=version) from None
        return info

    def signed_target(self, app_id: str, version: str) -> TargetFile | None:
        """What the signed targets say of a release's package; ``None`` for a registry that signs nothing."""
        updater = self._current()
        if updater is None:
            return None
        try:
            info = updater.get_targetinfo(target_path(app_id, version))
        except tuf_errors.RepositoryError as error:
            raise _refusal(error) from None
        if info is None:
            raise NotTrusted("trust.not-listed", app=app_id, version=version)
        return info

    def check_digest(self, app_id: str, version: str, sha256: str) -> bool:
        """Whether the signed targets give ``sha256`` for the release; ``NotTrusted`` when they give another.
        ``False`` for a registry that signs nothing."""
        info = self.signed_target(app_id, version)
        if info is None:
            return False
        if info.hashes.get("sha256") != sha256:
            raise NotTrusted("trust.package-changed", app=app_id, version=version)
        return True

    def _current(self) -> Updater | None:
        """The metadata refreshed once for this object (one command), pinning the root on first use;
        ``None`` for a registry that signs nothing and never did for this computer."""
        if self._updater is None:
            if self.pinned():
                self._updater = self._refreshed(None)
            else:
                first = self._first_root()
                if first is None:
                    return None
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._updater = self._refreshed(first)
        return self._updater

    def _refreshed(self, bootstrap: bytes | None) -> Updater:
        try:
            updater = Updater(str(self.folder), self.base_url, bootstrap=bootstrap)
            updater.refresh()
        except tuf_errors.DownloadError as error:
            raise NotTrusted("trust.metadata-unreachable", registry=self.registry, error=str(error)) from None
        except (tuf_errors.RepositoryError, ValueError) as error:
            raise _refusal(error) from None
        return updater

    def _first_root(self) -> bytes | None:
        """The registry's ``1.root.json``, or ``None`` when it serves no signed metadata."""
        import urllib3

        try:
            response = urllib3.request("GET", self.base_url + "1.root.json", timeout=30.0, retries=False,
                                       preload_content=False, redirect=False)
            body = response.read(MAX_ROOT_BYTES + 1)
        except urllib3.exceptions.HTTPError as error:
            raise NotTrusted("trust.metadata-unreachable", registry=self.registry, error=str(error)) from None
        if response.status == 404:
            return None
        if response.status != 200 or len(body) > MAX_ROOT_BYTES:
            raise NotTrusted("trust.metadata-unreachable", registry=self.registry,
                             error=f"HTTP {response.status} for 1.root.json")
        return bytes(body)


def _refusal(error: Exception) -> NotTrusted:
    """The refusal that says what the metadata's fault means to the reader."""
    if isinstance(error, tuf_errors.BadVersionNumberError):
        return NotTrusted("trust.metadata-rollback", error=str(error))
    if isinstance(error, tuf_errors.ExpiredMetadataError):
        return NotTrusted("trust.metadata-expired", error=str(error))
    if isinstance(error, tuf_errors.UnsignedMetadataError):
        return NotTrusted("trust.metadata-unsigned", error=str(error))
    return NotTrusted("trust.metadata-invalid", error=str(error))

