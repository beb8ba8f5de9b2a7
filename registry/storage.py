"""Artifact storage: blobs (package archives, release images) addressed by their sha256.

Backends sit behind the small ``ArtifactStore`` protocol, chosen by
``APPSTORE_STORAGE_URL``. The protocol speaks of keys and streams only, never of
filesystem paths, so that an object store can stand where the filesystem does:
``open`` gives a binary file-like object, ``write`` takes one, hashes it and
makes the blob visible all at once or not at all.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG
from typing import Any, BinaryIO, Protocol, cast
from urllib.parse import urlparse

from registry.errors import ConfigurationError, StorageFull
from registry.private_files import open_private, private_directory
from registry.s3_settings import S3_DEFAULTS, S3ClientSettings

CHUNK = 1024 * 1024
#: A key is the blob's sha256 in lower-case hex; a prefix of a key is a shorter run of it.
KEY_PREFIX = re.compile(r"[0-9a-f]{0,64}")
#: Unfinished writes younger than this may still be arriving.
STALE_AFTER = 3600.0
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


@dataclass(frozen=True)
class StoredBlob:
    """A blob that ``write`` made visible under ``key``."""

    key: str
    size: int


@dataclass(frozen=True)
class BlobStat:
    """What a store knows of a blob without reading it. ``etag`` is the backend's own
    tag when it has one for free (an object store's); the registry's HTTP ETag is the key."""

    size: int
    modified: datetime  # aware, UTC
    etag: str | None = None


class DigestMismatch(ValueError):
    """The bytes written do not hash to the key the caller expected; nothing was stored."""


class ArtifactStore(Protocol):
    """Where blobs live, by key (their sha256 hex digest). Never hands out a filesystem path."""

    def open(self, key: str, start: int = 0, stop: int | None = None) -> BinaryIO:
        """The blob for reading, as a binary file-like object; ``FileNotFoundError`` when missing.
        With ``start`` and ``stop``, only its bytes ``start`` to ``stop - 1`` (to its end without
        ``stop``), fetched as such: a range never costs a read of the whole blob."""

    def write(self, source: BinaryIO, *, expected: str | None = None) -> StoredBlob:
        """Store everything ``source`` gives under its sha256, atomically: no reader ever sees
        part of it, and a failure leaves nothing visible. With ``expected``, bytes that hash
        otherwise raise ``DigestMismatch``. A full store raises ``StorageFull``."""

    def stat(self, key: str) -> BlobStat:
        """Size and modification time; ``FileNotFoundError`` when missing."""

    def exists(self, key: str) -> bool: ...

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key that starts with ``prefix``, in ascending order."""

    def delete(self, key: str) -> None:
        """Remove the blob; nothing happens when it is missing."""

    def lock(self, key: str) -> AbstractContextManager[None]:
        """Hold while storing or forgetting ``key`` so that two identical uploads never
        remove the blob the other one just committed."""

    def unfinished_writes(self, older_than: float = STALE_AFTER) -> list[str]:
        """Names of writes a crash interrupted at least ``older_than`` seconds ago (for fsck)."""

    def discard_unfinished(self, name: str) -> None:
        """Remove one of ``unfinished_writes``."""

    def ready(self) -> bool:
        """Whether the store can take writes now (for a readiness probe); cheap, never raises."""

    def download_url(self, key: str, *, seconds: int, content_type: str, disposition: str | None) -> str | None:
        """An address that gives the blob to anyone who has it, for ``seconds``, answering with
        this ``Content-Type`` and ``Content-Disposition``; ``None`` when the store has no such
        addresses (then the registry sends the blob itself). Made without asking the store."""


def check_key(key: str) -> str:
    """``key`` when it is a sha256 hex digest; ``ValueError`` otherwise."""
    if len(key) != 64 or not KEY_PREFIX.fullmatch(key):
        raise ValueError(f"not a sha256 hex digest: {key!r}")
    return key


class FileSystemStore:
    """Content-addressed files: ``<root>/ab/cd/<sha256>``.

    Folders are 0700 and files 0600 (``mkstemp``'s mode, kept by the rename):
    commercial modules are not for every user of the machine.

    A write goes to a temporary file in ``<root>/.staging``, is hashed and
    fsynced on the way, then renamed into place, so a reader never sees half a
    file and a crash leaves at worst a staging file (which fsck removes).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / ".staging"
        private_directory(self.staging)

    def ready(self) -> bool:
        return self.staging.is_dir() and os.access(self.staging, os.W_OK | os.X_OK)

    def _location(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def open(self, key: str, start: int = 0, stop: int | None = None) -> BinaryIO:
        check_range(start, stop)
        source = self._location(key).open("rb")
        if start == 0 and stop is None:
            return source
        source.seek(start)
        return source if stop is None else cast(BinaryIO, Window(source, stop - start))

    def download_url(self, key: str, *, seconds: int, content_type: str, disposition: str | None) -> None:
        return None  # a file has no address of its own: the registry sends it

    def write(self, source: BinaryIO, *, expected: str | None = None) -> StoredBlob:
        if expected is not None:
            check_key(expected)
        with full_disk_refused():
            fd, name = tempfile.mkstemp(dir=self.staging, suffix=".partial")
            staged = Path(name)
            try:
                with os.fdopen(fd, "wb") as target:
                    key, size = copy_hashing(source, target)
                    target.flush()
                    os.fsync(target.fileno())
                if expected is not None and key != expected:
                    raise DigestMismatch(f"the bytes hash to {key}, not to {expected}")
                final = self._location(key)
                private_directory(final.parent)
                os.replace(staged, final)
            except BaseException:
                staged.unlink(missing_ok=True)
                raise
            _fsync_dir(final.parent)
        return StoredBlob(key, size)

    def stat(self, key: str) -> BlobStat:
        status = self._location(key).stat()
        return BlobStat(status.st_size, datetime.fromtimestamp(status.st_mtime, UTC))

    def exists(self, key: str) -> bool:
        return self._location(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not KEY_PREFIX.fullmatch(prefix):
            raise ValueError(f"not the start of a sha256 hex digest: {prefix!r}")
        for first in _shards(self.root, prefix[:2]):
            for second in _shards(first, prefix[2:4]):
                with os.scandir(second) as entries:
                    names = sorted(e.name for e in entries if len(e.name) == 64 and e.is_file())
                yield from (n for n in names if n.startswith(prefix) and KEY_PREFIX.fullmatch(n))

    def delete(self, key: str) -> None:
        self._location(key).unlink(missing_ok=True)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        # One lock file per two-hex-digit shard keeps the number of lock files
        # bounded; fcntl locks work across gunicorn worker processes.
        locks = private_directory(self.staging / "locks")
        with os.fdopen(open_private(locks / check_key(key)[:2]), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def unfinished_writes(self, older_than: float = STALE_AFTER) -> list[str]:
        # Any file in staging: ``.partial`` now, ``.upload`` from versions that received uploads here.
        cutoff = time.time() - older_than
        return sorted(name for name, modified in self._staged().items() if modified < cutoff)

    def discard_unfinished(self, name: str) -> None:
        if name in self._staged():  # only a file of staging, whatever the name says
            (self.staging / name).unlink(missing_ok=True)

    def _staged(self) -> dict[str, float]:
        """Files in staging by name, with their modification time; a write may finish meanwhile."""
        found = {}
        for path in self.staging.iterdir():
            try:
                status = path.stat()
            except FileNotFoundError:
                continue
            if S_ISREG(status.st_mode):
                found[path.name] = status.st_mtime
        return found


def check_range(start: int, stop: int | None) -> None:
    """``ValueError`` unless ``start``..``stop`` is a range of bytes (``stop`` ``None``: to the end)."""
    if start < 0 or (stop is not None and stop < start):
        raise ValueError(f"not a range of bytes: {start} to {stop}")


class Window(io.RawIOBase):
    """The next ``length`` bytes of ``source``, then its end; closing it closes ``source``."""

    def __init__(self, source: BinaryIO, length: int) -> None:
        self.source, self.left = source, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(min(len(buffer), self.left))
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)

    def close(self) -> None:
        self.source.close()
        super().close()


def copy_hashing(source: BinaryIO, target: BinaryIO | None = None) -> tuple[str, int]:
    """Read ``source`` in chunks, copying them to ``target`` when given; the sha256 hex
    digest and size of what passed."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def _shards(folder: Path, start: str) -> list[Path]:
    """The two-hex-digit subfolders of ``folder`` that may hold keys beginning with ``start``."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if len(e.name) == 2 and e.name.startswith(start)
                          and KEY_PREFIX.fullmatch(e.name) and e.is_dir())
    except FileNotFoundError:
        return []


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_store(url: str, s3: S3ClientSettings | None = None) -> ArtifactStore:
    """The backend that ``url`` names: ``file:///path`` (or a bare path), or ``s3://bucket/prefix``
    (its client waiting and retrying as ``s3`` says, else by the defaults), with every failure
    of its operations counted (``registry.counted_store``)."""
    from registry.counted_store import CountedStore  # it wraps the stores of this module, so imports it

    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return CountedStore(FileSystemStore(Path(parsed.path if parsed.scheme else url)))
    if parsed.scheme == "s3" and parsed.netloc:
        from registry.s3_store import S3Store  # boto3 only where S3 is used

        return CountedStore(S3Store(parsed.netloc, parsed.path, settings=s3 or S3_DEFAULTS))
    raise ConfigurationError(
        f"APPSTORE_STORAGE_URL={url!r}: not a storage this version knows; "
        "give file:///path/to/artifacts, a folder, or s3://bucket/prefix."
    )
