"""Building a package archive from a project folder, reproducibly.

The same files give a byte-identical archive on every run and every machine
with the same zlib: members sorted, plain ustar headers (no pax records with
host data), mtime 0, owner 0/0 without names, modes normalised to 0644/0755,
and a gzip header without file name or time. Authors and the registry can
then compare sha256 digests to tell whether two builds are the same release.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sdk.errors import AppstoreError
from sdk.folder import DIST_DIR, FolderSelection, select_files
from sdk.helm import vendoring
from sdk.manifest import is_slug, load_manifest
from sdk.package import MANIFEST_PATH
from sdk.versions import is_version

FIXED_MTIME = 0
COMPRESS_LEVEL = 9


@dataclass(frozen=True)
class BuiltPackage:
    """An archive on disk, with what identifies it."""

    path: Path
    app_id: str
    version: str
    sha256: str
    size: int
    secrets_left_out: tuple[str, ...] = ()
    vendored: tuple[str, ...] = ()  # chart dependencies packed from the local Helm cache


def package_filename(app_id: str, version: str) -> str:
    return f"{app_id}-{version}.tar.gz"


def write_archive(
    files: Mapping[str, bytes], out: BinaryIO, executable: frozenset[str] = frozenset()
) -> None:
    """Write ``files`` as a reproducible .tar.gz to ``out``.

    ``executable`` names the members that get mode 0755; all others get 0644.
    """
    # filename="" and mtime=0 keep the host's file name and clock out of the header.
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=FIXED_MTIME,
                       compresslevel=COMPRESS_LEVEL) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for name in sorted(files):
                content = files[name]
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = FIXED_MTIME
                info.mode = 0o755 if name in executable else 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                try:
                    tar.addfile(info, io.BytesIO(content))
                except ValueError as exc:  # ustar cannot hold very long names
                    raise AppstoreError(
                        f"{name} cannot be packed: {exc}.",
                        hint="Shorten the path to at most 100 characters per name and 255 in all.",
                    ) from exc


def archive_bytes(selection: FolderSelection) -> bytes:
    """The archive of a folder selection, in memory (for ``check``)."""
    files = _read(selection)
    vendoring.vendor(files)  # what is still missing, verification reports
    buffer = io.BytesIO()
    write_archive(files, buffer, _executables(selection))
    return buffer.getvalue()


def identify(files: Mapping[str, bytes]) -> tuple[str, str]:
    """The app id and version from the manifest, good enough to name the archive."""
    manifest, findings = load_manifest(files)
    if manifest is None:
        message = findings[0].message if findings else f"{MANIFEST_PATH} cannot be read."
        raise AppstoreError(message, hint="Run `appstore check` to see every problem.")
    app_id, version = manifest.get("id"), manifest.get("version")
    problems = []
    if not is_slug(app_id):
        problems.append(f"`id` ({app_id!r}) is not a valid app id")
    if not (isinstance(version, str) and is_version(version)):
        problems.append(f"`version` ({version!r}) is not a SemVer version such as 1.0.0")
    if problems:
        raise AppstoreError(
            f"{MANIFEST_PATH}: {'; '.join(problems)}.",
            hint="Fix it, then run `appstore check` to see every other problem.",
        )
    return str(app_id), str(version)


def build_package(root: Path, dist_dir: Path | None = None) -> BuiltPackage:
    """Pack the folder ``root`` into ``dist/<id>-<version>.tar.gz``."""
    selection = select_files(root)
    files = _read(selection)
    app_id, version = identify(files)
    vendored = vendoring.vendor(files)
    if vendored.missing:
        raise AppstoreError(vendoring.missing_message(vendored.missing),
                            hint="Run `helm dependency build chart` in the project folder, then build again.")
    target_dir = Path(dist_dir) if dist_dir is not None else Path(root) / DIST_DIR
    buffer = io.BytesIO()
    write_archive(files, buffer, _executables(selection))
    data = buffer.getvalue()
    target = target_dir / package_filename(app_id, version)
    _write_atomic(target, data)
    return BuiltPackage(
        path=target, app_id=app_id, version=version,
        sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        secrets_left_out=selection.secrets, vendored=vendored.added,
    )


def _read(selection: FolderSelection) -> dict[str, bytes]:
    try:
        return selection.read_all()
    except OSError as exc:
        raise AppstoreError(f"{exc.filename} cannot be read: {exc.strerror}.",
                            hint="Check the file's permissions.") from exc


def _executables(selection: FolderSelection) -> frozenset[str]:
    return frozenset(
        name for name, path in selection.files.items()
        if path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    )


def _write_atomic(target: Path, data: bytes) -> None:
    """Write via a temporary file, so a failed build never leaves half an archive."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        raise AppstoreError(f"Cannot write {target}: {exc.strerror}.",
                            hint="Check that the folder is writable, or give another with --dist.") from exc


def describe(built: BuiltPackage) -> dict[str, Any]:
    """A built package as JSON-friendly data."""
    return {
        "path": str(built.path), "app": built.app_id, "version": built.version,
        "sha256": built.sha256, "size": built.size, "secretsLeftOut": list(built.secrets_left_out),
        "vendored": list(built.vendored),
    }
