"""Receiving an upload: streamed to a private temporary file, size-capped and hashed on the way.

The file is the registry's work copy for verification, in the machine's temporary
folder (``TMPDIR``), not in the artifact store: only an accepted package is written
to the store, from this file, by ``ArtifactStore.write``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from registry.errors import PayloadTooLarge
from registry.storage import full_disk_refused

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ReceivedUpload:
    """An upload in a temporary file: not yet visible to anyone."""

    path: Path
    sha256: str
    size: int
    filename: str

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def receive(stream: IO[bytes], filename: str, max_bytes: int) -> ReceivedUpload:
    """Copy ``stream`` to a temporary file (0600); past ``max_bytes`` stop reading and refuse.

    Whatever goes wrong (too large, a full disk, a dropped connection), the
    temporary file is removed: nothing half-written stays behind."""
    digest = hashlib.sha256()
    size = 0
    with full_disk_refused():
        fd, name = tempfile.mkstemp(prefix="appstore-", suffix=".upload")
    path = Path(name)
    try:
        with full_disk_refused(), os.fdopen(fd, "wb") as handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"The package is larger than {max_bytes // (1024 * 1024)} MiB; "
                        "leave out what the app does not need."
                    )
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ReceivedUpload(path, digest.hexdigest(), size, filename)
