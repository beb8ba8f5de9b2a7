"""Opening a package archive safely.

The archive is read as a stream, member by member, and every limit is
enforced while reading: nothing is extracted to disk, and reading stops as soon
as a limit is crossed, so a gzip bomb costs no more than the limit.
"""

from __future__ import annotations

import hashlib
import posixpath
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sdk.errors import PackageRejected
from sdk.findings import Finding
from sdk.manifest import load_manifest
from sdk.package import PackageView, normalise
from sdk.text import has_unstorable, shown

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits on what an archive may contain (DESIGN: package format)."""

    max_members: int = 2000
    max_unpacked_bytes: int = 50 * 1024 * 1024
    max_ratio: float = 50.0
    # Below this many unpacked bytes the ratio is not judged: tiny archives
    # of text compress well and cannot do harm.
    ratio_floor_bytes: int = 1024 * 1024


class _LimitCrossed(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_package(
    path: Path,
    limits: ArchiveLimits = ArchiveLimits(),
    *,
    filename: str | None = None,
    sha256: str | None = None,
) -> tuple[PackageView, list[Finding]]:
    """Open a package archive and load its manifest.

    Returns the view and the findings of loading the manifest. Raises
    ``PackageRejected`` with every unsafe member found when the archive itself
    cannot be accepted.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        if fh.read(2) != GZIP_MAGIC:
            raise PackageRejected(
                "The package is not a gzip-compressed tar archive.",
                [Finding.error(
                    "archive.not-gzip",
                    "The package must be a .tar.gz archive; build it with `appstore build`.",
                    filename or path.name,
                )],
            )
    files, problems = _read_members(path, size, limits)
    if problems:
        raise PackageRejected("The package archive is unsafe or damaged.", problems)
    manifest, findings = load_manifest(files)
    view = PackageView(
        files=files,
        manifest=manifest,
        filename=filename or path.name,
        sha256=sha256 or sha256_file(path),
        size=size,
    )
    return view, findings


def _read_members(path: Path, compressed: int, limits: ArchiveLimits) -> tuple[dict[str, bytes], list[Finding]]:
    files: dict[str, bytes] = {}
    problems: list[Finding] = []
    seen: set[str] = set()
    unpacked = 0
    count = 0
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for member in tar:
                count += 1
                if count > limits.max_members:
                    raise _LimitCrossed(Finding.error(
                        "archive.too-many-members",
                        f"The archive holds more than {limits.max_members} members; "
                        "leave out what the app does not need.",
                    ))
                name, problem = _check_member(member, seen)
                if problem:
                    problems.append(problem)
                    continue
                if not member.isfile():
                    continue
                unpacked += member.size
                _check_size(unpacked, compressed, limits)
                files[name] = _read_file(tar, member)
    except _LimitCrossed as crossed:
        return {}, [*problems, crossed.finding]
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        return {}, [*problems, Finding.error(
            "archive.corrupt",
            f"The archive cannot be read ({exc}); build it again with `appstore build`.",
        )]
    return files, problems


def _check_member(member: tarfile.TarInfo, seen: set[str]) -> tuple[str, Finding | None]:
    raw = member.name
    name = normalise(raw)
    if has_unstorable(raw):
        # tarfile keeps bytes that are not UTF-8 as lone surrogates; show them as escapes.
        return name, Finding.error(
            "archive.bad-name", f"`{shown(raw)}` is not a UTF-8 file name; rename it.", shown(raw, 500))
    if member.issym() or member.islnk():
        return name, Finding.error(
            "archive.link", f"Links are not allowed in a package: replace {raw} by the file itself.", raw)
    if not (member.isfile() or member.isdir()):
        return name, Finding.error(
            "archive.special-file", f"{raw} is a device, pipe or other special file; remove it.", raw)
    if raw.startswith("/") or posixpath.isabs(name) or (len(raw) > 1 and raw[1] == ":"):
        return name, Finding.error(
            "archive.absolute-path", f"{raw} is an absolute path; members must be relative to the root.", raw)
    if ".." in raw.replace("\\", "/").split("/"):
        return name, Finding.error(
            "archive.path-traversal", f"{raw} climbs out of the package with '..'; remove that member.", raw)
    if any(ord(ch) < 32 for ch in raw) or name in ("", "."):
        if member.isdir() and name in ("", "."):
            return name, None  # the root folder entry some tools write
        return name, Finding.error(
            "archive.bad-name", f"{raw!r} is not a usable file name; rename it.", raw)
    if name in seen and not member.isdir():
        return name, Finding.error(
            "archive.duplicate-member", f"{raw} occurs twice in the archive; keep one.", raw)
    seen.add(name)
    return name, None


def _check_size(unpacked: int, compressed: int, limits: ArchiveLimits) -> None:
    if unpacked > limits.max_unpacked_bytes:
        raise _LimitCrossed(Finding.error(
            "archive.too-large",
            f"The package unpacks to more than {limits.max_unpacked_bytes // (1024 * 1024)} MiB; "
            "leave out large files the app does not need.",
        ))
    if unpacked > limits.ratio_floor_bytes and unpacked > limits.max_ratio * max(compressed, 1):
        raise _LimitCrossed(Finding.error(
            "archive.compression-ratio",
            f"The package unpacks to more than {limits.max_ratio:g} times its compressed size, "
            "which is how archive bombs look; it is refused.",
        ))


def _read_file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        return b""
    chunks = []
    remaining = member.size
    while remaining > 0:
        chunk = handle.read(min(CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
