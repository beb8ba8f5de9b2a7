"""Artifact store backends for tests, and what only a test does to a store: alter a blob
behind its back, or leave a write unfinished as a crash would.

One ``Backend`` per implementation; the contract tests (test_storage_contract.py)
run over every one in ``BACKENDS``, so a new store joins them by adding an entry.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from registry.counted_store import CountedStore
from registry.s3_store import STAGING, S3Store
from registry.storage import ArtifactStore, FileSystemStore, check_key, open_store
from tests.registry.seaweedfs import BUCKET


@dataclass(frozen=True)
class Backend:
    name: str
    kind: type  # the store class
    open: Callable[[Path], ArtifactStore]  # a new, empty store using the given scratch folder
    tamper: Callable[[ArtifactStore, str, bytes], None]  # replace a blob's bytes without rehashing
    interrupt_write: Callable[[ArtifactStore, float], str]  # an unfinished write this old (s); its name
    server: str | None = None  # the session fixture of the server the store needs, if any


def unwrapped(store: ArtifactStore) -> ArtifactStore:
    """The backend itself, out of the ``CountedStore`` that ``open_store`` wraps it in."""
    return unwrapped(store.inner) if isinstance(store, CountedStore) else store


def _file_store(store: ArtifactStore) -> FileSystemStore:
    store = unwrapped(store)
    assert isinstance(store, FileSystemStore)
    return store


def _file_tamper(store: ArtifactStore, key: str, data: bytes) -> None:
    root = _file_store(store).root
    (root / key[:2] / key[2:4] / check_key(key)).write_bytes(data)


def _file_interrupt_write(store: ArtifactStore, age: float) -> str:
    fd, name = tempfile.mkstemp(dir=_file_store(store).staging, suffix=".partial")
    os.write(fd, b"half a package")
    os.close(fd)
    then = time.time() - age
    os.utime(name, (then, then))
    return Path(name).name


def _s3_store(store: ArtifactStore) -> S3Store:
    store = unwrapped(store)
    assert isinstance(store, S3Store)
    return store


def _s3_open(folder: Path) -> ArtifactStore:
    # A prefix of its own per test keeps tests apart in the one bucket of the session.
    return open_store(f"s3://{BUCKET}/{folder.name}-{secrets.token_hex(4)}")


def _s3_tamper(store: ArtifactStore, key: str, data: bytes) -> None:
    s3 = _s3_store(store)
    s3.client.put_object(Bucket=s3.bucket, Key=f"{s3.base}{key[:2]}/{key[2:4]}/{check_key(key)}", Body=data)


def _s3_interrupt_write(store: ArtifactStore, age: float) -> str:
    s3 = _s3_store(store)
    name = f"{time.time() - age:.0f}-{secrets.token_hex(8)}"
    where = f"{s3.base}{STAGING}{name}"
    upload = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=where)["UploadId"]
    s3.client.upload_part(Bucket=s3.bucket, Key=where, UploadId=upload, PartNumber=1, Body=b"half a package")
    return name


FILE = Backend("file", FileSystemStore, lambda folder: FileSystemStore(folder / "artifacts"),
               _file_tamper, _file_interrupt_write)
S3 = Backend("s3", S3Store, _s3_open, _s3_tamper, _s3_interrupt_write, server="seaweedfs")
BACKENDS = (FILE, S3)


def backend_of(store: ArtifactStore) -> Backend:
    return next(b for b in BACKENDS if isinstance(unwrapped(store), b.kind))


def tamper(store: ArtifactStore, key: str, data: bytes) -> None:
    """Alter the blob ``key`` as a failing disk or a person with access would."""
    backend_of(store).tamper(store, key, data)


def interrupt_write(store: ArtifactStore, age: float) -> str:
    """Leave what a crash leaves in the middle of a write, ``age`` seconds ago."""
    return backend_of(store).interrupt_write(store, age)
