"""What a backup folder holds, and its manifest.

::

    manifest.json            written last: format, schema revision, counts, sha256 of every file
    database/<table>.jsonl   one JSON object per row, tables in the order their foreign keys need
    artifacts.jsonl          the blobs: {"sha256": ..., "size": ...} per line, ascending
    blobs/ab/cd/<sha256>     each blob, named by its sha256 (the file store's layout)

The manifest lists the sha256 of the table files and of the listing; a blob's
name is its sha256, so the listing and the names together cover every file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from alembic.script import ScriptDirectory

from registry.errors import RegistryError
from registry.migrations import alembic_config
from registry.private_files import FILE_MODE
from registry.storage import ArtifactStore, DigestMismatch, StoredBlob, check_key, copy_hashing

FORMAT = "gemeente-appstore-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database"
LISTING = "artifacts.jsonl"
BLOBS = "blobs"
#: Most a manifest may be: it lists one entry per table, so a few kilobytes.
MAX_MANIFEST_BYTES = 1024 * 1024


class BackupRefused(RegistryError):
    """A backup cannot be made here, or cannot be restored there; ``detail`` says what to do."""


@dataclass(frozen=True)
class FileEntry:
    """A file of the backup: its path inside the folder, sha256 and size."""

    path: str
    sha256: str
    size: int


@dataclass
class Manifest:
    schema_revision: str
    created_at: str
    source_database: str
    tables: dict[str, int] = field(default_factory=dict)  # rows per table, in the order to restore them
    artifacts: int = 0
    artifact_bytes: int = 0
    files: list[FileEntry] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "formatVersion": FORMAT_VERSION, "schemaRevision": self.schema_revision,
            "createdAt": self.created_at, "sourceDatabase": self.source_database,
            "counts": {"tables": self.tables, "artifacts": self.artifacts, "artifactBytes": self.artifact_bytes},
            "files": {entry.path: {"sha256": entry.sha256, "size": entry.size} for entry in self.files},
        }

    def write(self, folder: Path) -> None:
        with new_text_file(folder / MANIFEST) as target:
            json.dump(self.as_json(), target, indent=2)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the backup in ``folder``; ``BackupRefused`` when it is missing or not ours."""
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupRefused(f"{folder} holds no {MANIFEST}: it is not a backup, or its backup did not "
                                "finish. Give the folder that `appstore-registry backup` wrote.")
        with path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
        try:
            data = json.loads(raw) if len(raw) <= MAX_MANIFEST_BYTES else None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a registry backup")
            if data.get("formatVersion") != FORMAT_VERSION:
                raise BackupRefused(f"The backup has format version {data.get('formatVersion')!r}; this version "
                                    f"reads version {FORMAT_VERSION}. Restore it with the version that made it.")
            counts = data["counts"]
            return cls(
                schema_revision=str(data["schemaRevision"]), created_at=str(data["createdAt"]),
                source_database=str(data["sourceDatabase"]),
                tables={str(name): int(rows) for name, rows in counts["tables"].items()},
                artifacts=int(counts["artifacts"]), artifact_bytes=int(counts["artifactBytes"]),
                files=[FileEntry(str(name), str(entry["sha256"]), int(entry["size"]))
                       for name, entry in data["files"].items()])
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            if isinstance(error, BackupRefused):
                raise
            raise BackupRefused(f"{path} is not the manifest of a registry backup ({error}); "
                                "give the folder that `appstore-registry backup` wrote.") from error


def head_revision(database_url: str) -> str:
    """The schema revision this version of the registry makes and reads."""
    heads = ScriptDirectory.from_config(alembic_config(database_url)).get_heads()
    return ",".join(sorted(heads))


def copy_blob(read: Callable[[], BinaryIO], target: ArtifactStore, key: str, *, missing: str,
              altered: str) -> StoredBlob:
    """Copy the blob ``key`` from what ``read`` opens into ``target``, verified against its name.
    A blob that is not there, or hashes otherwise, is refused with ``missing`` or ``altered``
    (where ``{error}`` says how it differs); ``target`` then holds nothing of it."""
    try:
        with read() as source:
            return target.write(source, expected=key)
    except FileNotFoundError as error:
        raise BackupRefused(missing) from error
    except DigestMismatch as error:
        raise BackupRefused(altered.format(error=error)) from error


def blob_file(folder: Path, key: str) -> Path:
    """Where the blob ``key`` is in the backup in ``folder`` (the file store's layout)."""
    return folder / BLOBS / key[:2] / key[2:4] / check_key(key)


def table_file(name: str) -> str:
    return f"{DATABASE}/{name}.jsonl"


def file_entry(folder: Path, relative: str) -> FileEntry:
    """The entry of a file already written in ``folder``."""
    with (folder / relative).open("rb") as handle:
        sha256, size = copy_hashing(handle)
    return FileEntry(relative, sha256, size)


@contextmanager
def new_text_file(path: Path) -> Iterator[TextIO]:
    """A new text file that only the registry's user may read (a backup holds token hashes
    and commercial packages); an existing file is never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(fd, "w", encoding="utf-8", newline="\n") as handle:
        yield handle
