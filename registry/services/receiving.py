"""Receiving an upload: streamed to a staging file, size-capped and hashed on the way."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from registry.errors import PayloadTooLarge
from registry.storage import ArtifactStore, full_disk_refused

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ReceivedUpload:
    """An upload in staging: not yet visible to anyone."""

    path: Path
    sha256: str
    size: int
    filename: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def receive(stream: IO[bytes], filename: str, store: ArtifactStore, max_bytes: int) -> ReceivedUpload:
    """Copy ``stream`` to staging; past ``max_bytes`` stop reading and refuse.

    Whatever goes wrong (too large, a full disk, a dropped connection), the
    staging file is removed: nothing half-written stays behind."""
    digest = hashlib.sha256()
    size = 0
    handle, path = store.staging_file()
    try:
        with full_disk_refused(), handle:
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
