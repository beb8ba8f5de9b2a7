"""Artifact store backends for tests, and what only a test does to a store: alter a blob
behind its back, or leave a write unfinished as a crash would.

One ``Backend`` per implementation; the contract tests (test_storage_contract.py)
run over every one in ``BACKENDS``, so a new store joins them by adding an entry.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from registry.storage import ArtifactStore, FileSystemStore, check_key


@dataclass(frozen=True)
class Backend:
    name: str
    kind: type  # the store class
    open: Callable[[Path], ArtifactStore]  # a new, empty store using the given scratch folder
    tamper: Callable[[ArtifactStore, str, bytes], None]  # replace a blob's bytes without rehashing
    interrupt_write: Callable[[ArtifactStore, float], str]  # an unfinished write this old (s); its name


def _file_store(store: ArtifactStore) -> FileSystemStore:
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


FILE = Backend("file", FileSystemStore, lambda folder: FileSystemStore(folder / "artifacts"),
               _file_tamper, _file_interrupt_write)
BACKENDS = (FILE,)


def backend_of(store: ArtifactStore) -> Backend:
    return next(b for b in BACKENDS if isinstance(store, b.kind))


def tamper(store: ArtifactStore, key: str, data: bytes) -> None:
    """Alter the blob ``key`` as a failing disk or a person with access would."""
    backend_of(store).tamper(store, key, data)


def interrupt_write(store: ArtifactStore, age: float) -> str:
    """Leave what a crash leaves in the middle of a write, ``age`` seconds ago."""
    return backend_of(store).interrupt_write(store, age)
