"""Opening a package archive safely.

The archive is read as a stream, member by member, and every limit is
enforced while reading: nothing is extracted to disk, and reading stops as soon
as a limit is crossed, so a gzip bomb costs no more than the limit.

One reading only: the registry must see exactly the files that ``tar -xzf``
writes. Where GNU tar and Python's tarfile part ways, the archive is refused
rather than read one way: a second gzip member (GNU tar extracts it, tarfile
never sees it), bytes after the gzip stream, and anything but zero bytes after
the point where tarfile stops (GNU tar skips a damaged header and reads on;
``tar -i`` reads past the end-of-archive blocks). Sparse members are refused
too, as their holes are filled differently by different tools.
"""

from __future__ import annotations

import hashlib
import posixpath
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

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


#: Bytes a tar stream may hold beyond its files' contents: a header block
#: (and room for a long-name or pax header) per member, and the end blocks.
HEADER_ALLOWANCE = 2048
END_ALLOWANCE = 20 * 1024


class _LimitCrossed(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding


class _GzipMember:
    """The decompressed bytes of exactly one gzip member, read as a file.

    Anything after the member (a second member, other bytes) is refused, and
    at most ``cap`` bytes are ever decompressed. ``last_nonzero`` is the offset
    of the last byte that was not zero, to judge what follows the tar's end.
    """

    def __init__(self, source: BinaryIO, cap: int) -> None:
        self._source = source
        self._cap = cap
        self._inflate = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer
        self._pending = bytearray()
        self.total = 0
        self.last_nonzero = -1

    def read(self, size: int = -1) -> bytes:
        self._fill(size if size >= 0 else self._cap + 1)
        size = len(self._pending) if size < 0 else min(size, len(self._pending))
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def drain(self) -> None:
        """Read to the end of the member, so that what follows it is judged."""
        while self.read(CHUNK):
            pass

    def _fill(self, wanted: int) -> None:
        while len(self._pending) < wanted and not self._inflate.eof:
            data = self._inflate.unconsumed_tail or self._source.read(CHUNK)
            if not data:
                raise EOFError("the gzip stream ends before its end marker")
            chunk = self._inflate.decompress(data, CHUNK)
            self._count(chunk)
            self._pending += chunk
            if self._inflate.eof:
                self._refuse_what_follows()

    def _count(self, chunk: bytes) -> None:
        kept = len(chunk.rstrip(b"\0"))
        if kept:
            self.last_nonzero = self.total + kept - 1
        self.total += len(chunk)
        if self.total > self._cap:
            raise _LimitCrossed(_too_large(self._cap))

    def _refuse_what_follows(self) -> None:
        rest = self._inflate.unused_data + self._source.read(len(GZIP_MAGIC))
        if rest.startswith(GZIP_MAGIC):
            raise _LimitCrossed(Finding.error("archive.multiple-gzip-members"))
        if rest:
            raise _LimitCrossed(Finding.error("archive.trailing-data"))


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
                [Finding.error("archive.not-gzip", key=filename or path.name)],
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
    problems: list[Finding] = []
    cap = limits.max_unpacked_bytes + limits.max_members * HEADER_ALLOWANCE + END_ALLOWANCE
    try:
        with path.open("rb") as raw:
            stream = _GzipMember(raw, cap)
            tar = tarfile.open(fileobj=cast("IO[bytes]", stream), mode="r|")  # stream mode only reads
            files = _walk(tar, compressed, limits, problems)
            stream.drain()  # what follows the tar's end must be zeros, up to the gzip stream's end
            if stream.last_nonzero >= tar.offset:
                problems.append(_data_after_end(tar.offset))
    except _LimitCrossed as crossed:
        return {}, [*problems, crossed.finding]
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        # The reader's own words (English) stay as they are, in data.
        return {}, [*problems, Finding.error("archive.corrupt", data={"problem": str(exc)})]
    return files, problems


def _walk(tar: tarfile.TarFile, compressed: int, limits: ArchiveLimits, problems: list[Finding]) -> dict[str, bytes]:
    """The regular files of ``tar``; unsafe members go to ``problems``, crossed limits raise."""
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    unpacked = 0
    for count, member in enumerate(tar, start=1):
        if count > limits.max_members:
            raise _LimitCrossed(Finding.error("archive.too-many-members", data={"limit": limits.max_members}))
        name, problem = _check_member(member, seen)
        if problem:
            problems.append(problem)
            continue
        if not member.isfile():
            continue
        unpacked += member.size
        _check_size(unpacked, compressed, limits)
        files[name] = _read_file(tar, member)
    return files


def _data_after_end(offset: int) -> Finding:
    return Finding.error("archive.data-after-end", data={"offset": offset})


def _check_member(member: tarfile.TarInfo, seen: set[str]) -> tuple[str, Finding | None]:
    raw = member.name
    name = normalise(raw)
    if has_unstorable(raw):
        # tarfile keeps bytes that are not UTF-8 as lone surrogates; show them as escapes.
        return name, _member("archive.bad-name", shown(raw, 500), case="encoding")
    if member.issym() or member.islnk():
        return name, _member("archive.link", raw)
    if member.issparse():
        return name, _member("archive.special-file", raw, case="sparse")
    if not (member.isfile() or member.isdir()):
        return name, _member("archive.special-file", raw)
    if raw.startswith("/") or posixpath.isabs(name) or (len(raw) > 1 and raw[1] == ":"):
        return name, _member("archive.absolute-path", raw)
    if ".." in raw.replace("\\", "/").split("/"):
        return name, _member("archive.path-traversal", raw)
    if any(ord(ch) < 32 for ch in raw) or name in ("", "."):
        if member.isdir() and name in ("", "."):
            return name, None  # the root folder entry some tools write
        return name, _member("archive.bad-name", shown(raw, 500))
    if name in seen and not (member.isdir() and name + "/" in seen):
        return name, _member("archive.duplicate-member", raw)
    seen.add(name)
    if member.isdir():
        seen.add(name + "/")  # a folder may be listed twice, a file never, nor both
    return name, None


def _member(code: str, path: str, **data: str) -> Finding:
    """A finding about one member, keyed and worded by its path."""
    return Finding.error(code, key=path, data={"path": path, **data})


def _too_large(limit: int) -> Finding:
    return Finding.error("archive.too-large", data={"limitMib": limit // (1024 * 1024)})


def _check_size(unpacked: int, compressed: int, limits: ArchiveLimits) -> None:
    if unpacked > limits.max_unpacked_bytes:
        raise _LimitCrossed(_too_large(limits.max_unpacked_bytes))
    if unpacked > limits.ratio_floor_bytes and unpacked > limits.max_ratio * max(compressed, 1):
        raise _LimitCrossed(Finding.error("archive.compression-ratio", data={"ratio": f"{limits.max_ratio:g}"}))


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
