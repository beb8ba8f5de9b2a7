"""Artifact storage: package archives addressed by their sha256.

Backends sit behind the small ``ArtifactStore`` protocol, chosen by
``APPSTORE_STORAGE_URL``, so an object store can follow the filesystem.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlparse

from registry.config import ConfigurationError
from registry.errors import StorageFull
from registry.private_files import open_private, private_directory

SHA256_HEX = set("0123456789abcdef")
#: What a full disk or an exhausted quota says.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
STORAGE_FULL_MESSAGE = ("The registry's storage is full, so nothing was saved. Try again later; "
                        "if it persists, tell the curators.")


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk or the quota is full."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


@contextmanager
def full_disk_refused() -> Iterator[None]:
    """Turn a full disk while writing into ``StorageFull`` (507) instead of a generic failure."""
    try:
        yield
    except OSError as error:
        if is_disk_full(error):
            raise StorageFull(STORAGE_FULL_MESSAGE) from error
        raise


class ArtifactStore(Protocol):
    """Where package archives live."""

    def staging_file(self) -> tuple[BinaryIO, Path]:
        """A new temporary file on the same volume, for receiving an upload.

        Writers wrap their writes in ``full_disk_refused()``; a full disk then
        raises ``StorageFull``."""

    def put(self, staged: Path, sha256: str) -> None:
        """Move a staged file into place under its digest, atomically;
        ``StorageFull`` when the disk is full (nothing is then in place)."""

    def open(self, sha256: str) -> BinaryIO:
        """The archive for reading; ``FileNotFoundError`` when missing."""

    def path(self, sha256: str) -> Path | None:
        """A local path to serve directly, when the backend has one."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...

    def digests(self) -> Iterator[str]:
        """Every stored digest (for fsck)."""

    def lock(self, sha256: str) -> AbstractContextManager[None]:
        """Hold while storing or forgetting ``sha256`` so that two identical
        uploads never remove the file the other one just committed."""


def _check_digest(sha256: str) -> str:
    if len(sha256) != 64 or not set(sha256) <= SHA256_HEX:
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class FileSystemStore:
    """Content-addressed files: ``<root>/ab/cd/<sha256>``.

    Folders are 0700 and files 0600 (``mkstemp``'s mode, kept by the rename):
    commercial modules are not for every user of the machine.

    A write goes to a temporary file in ``<root>/.staging``, is fsynced, then
    renamed into place, so a reader never sees half a file and a crash leaves
    at worst a staging file (which fsck removes).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / ".staging"
        private_directory(self.staging)

    def _location(self, sha256: str) -> Path:
        _check_digest(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def staging_file(self) -> tuple[BinaryIO, Path]:
        with full_disk_refused():
            fd, name = tempfile.mkstemp(dir=self.staging, suffix=".upload")
        return os.fdopen(fd, "w+b"), Path(name)

    def put(self, staged: Path, sha256: str) -> None:
        target = self._location(sha256)
        with full_disk_refused():
            private_directory(target.parent)
            with staged.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(staged, target)
            _fsync_dir(target.parent)

    def open(self, sha256: str) -> BinaryIO:
        return self._location(sha256).open("rb")

    def path(self, sha256: str) -> Path | None:
        return self._location(sha256)

    def exists(self, sha256: str) -> bool:
        return self._location(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self._location(sha256).unlink(missing_ok=True)

    def digests(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if path.is_file() and len(path.name) == 64:
                yield path.name

    @contextmanager
    def lock(self, sha256: str) -> Iterator[None]:
        # One lock file per two-hex-digit shard keeps the number of lock files
        # bounded; fcntl locks work across gunicorn worker processes.
        locks = private_directory(self.staging / "locks")
        with os.fdopen(open_private(locks / _check_digest(sha256)[:2]), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def stale_staging_files(self, older_than: float = 3600.0) -> list[Path]:
        """Uploads left behind by a crash; younger ones may still be arriving."""
        cutoff = time.time() - older_than
        return sorted(p for p in self.staging.glob("*.upload") if p.stat().st_mtime < cutoff)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_store(url: str) -> ArtifactStore:
    """The backend that ``url`` names: ``file:///path`` (or a bare path)."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return FileSystemStore(Path(parsed.path if parsed.scheme else url))
    raise ConfigurationError(
        f"APPSTORE_STORAGE_URL={url!r}: only file:// storage is available in this version."
    )
