"""One reading of an archive: what the registry sees is what ``tar -xzf`` writes, or it is refused."""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from sdk.archive import ArchiveLimits, open_package
from sdk.checking import check_path
from sdk.errors import PackageRejected
from tests import factories

FILES = factories.package_files()
HIDDEN = {"deploy/hidden.yaml": b"apiVersion: v1\nkind: Pod\nmetadata: {name: hidden}\n"}
BLOCK = 512


def add_files(tar: tarfile.TarFile, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))


def tar_gz_with(extra: tarfile.TarInfo, tar_format: int = tarfile.PAX_FORMAT) -> bytes:
    """A package archive of ``FILES`` and one more, content-less member."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tar_format) as tar:
        add_files(tar, FILES)
        tar.addfile(extra)
    return buffer.getvalue()


def tar_bytes(files: dict[str, bytes], *, end: bool = True) -> bytes:
    """An uncompressed tar of ``files``; without ``end`` it stops after the last member's data."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        add_files(tar, files)
        members_end = tar.offset
    data = buffer.getvalue()
    return data if end else data[:members_end]


# Bad inputs, named after the failure they cause.

def archive_of_two_gzip_members() -> bytes:
    """GNU tar unpacks both members as one tar; a single-member reader sees only the first."""
    return gzip.compress(tar_bytes(FILES, end=False)) + gzip.compress(tar_bytes(HIDDEN))


def archive_with_bytes_after_the_gzip_stream() -> bytes:
    return gzip.compress(tar_bytes(FILES)) + b"trailing junk"


def archive_with_member_after_the_end_blocks() -> bytes:
    """``tar -i`` (and other tools) read past the end-of-archive blocks."""
    return gzip.compress(tar_bytes(FILES, end=False) + b"\0" * (2 * BLOCK) + tar_bytes(HIDDEN))


def archive_with_damaged_header_before_a_member() -> bytes:
    """tarfile stops at a damaged header; GNU tar skips it and unpacks what follows."""
    return gzip.compress(tar_bytes(FILES, end=False) + b"X" * BLOCK + tar_bytes(HIDDEN))


def archive_with_sparse_member() -> bytes:
    info = tarfile.TarInfo("deploy/sparse.yaml")
    info.type = tarfile.GNUTYPE_SPARSE
    return tar_gz_with(info, tarfile.GNU_FORMAT)


def archive_with_folder_named_like_a_file() -> bytes:
    folder = tarfile.TarInfo("deploy/deployment.yaml")
    folder.type = tarfile.DIRTYPE
    return tar_gz_with(folder)


AMBIGUOUS = {
    "archive.multiple-gzip-members": archive_of_two_gzip_members,
    "archive.trailing-data": archive_with_bytes_after_the_gzip_stream,
    "archive.data-after-end": archive_with_member_after_the_end_blocks,
}


def write(tmp_path: Path, data: bytes, name: str = "zaken-1.4.0.tar.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejection_codes(path: Path) -> list[str]:
    with pytest.raises(PackageRejected) as rejected:
        open_package(path)
    return [f.code for f in rejected.value.findings]


@pytest.mark.parametrize(("code", "build"), [
    *AMBIGUOUS.items(),
    ("archive.data-after-end", archive_with_damaged_header_before_a_member),
    ("archive.special-file", archive_with_sparse_member),
    ("archive.duplicate-member", archive_with_folder_named_like_a_file),
])
def test_an_archive_that_readers_could_read_differently_is_refused_by_registry_and_check(
        tmp_path: Path, code: str, build) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, build())
    assert rejection_codes(path) == [code]
    report = check_path(path)
    assert not report.accepted
    assert [f.code for f in report.findings] == [code]


def gnu_tar_extract(archive: Path, into: Path) -> set[str]:
    """The files ``tar -xzf`` writes (it may complain and still write them)."""
    into.mkdir()
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(into)], capture_output=True, check=False)
    return {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar")
@pytest.mark.parametrize("build", [archive_of_two_gzip_members, archive_with_damaged_header_before_a_member])
def test_gnu_tar_would_unpack_the_hidden_member_of_what_is_refused(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    # Why these archives are refused: the member the old reader never saw lands on disk.
    path = write(tmp_path, build())
    assert "deploy/hidden.yaml" in gnu_tar_extract(path, tmp_path / "out")


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar")
@pytest.mark.parametrize("data", [
    factories.package(),
    gzip.compress(tar_bytes(FILES, end=False)),  # no end blocks: both readers stop at the data's end
    gzip.compress(tar_bytes(FILES) + b"\0" * 10 * BLOCK),  # more zero padding than the record needs
])
def test_an_accepted_archive_holds_exactly_what_gnu_tar_writes(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    view, _ = open_package(path)
    assert set(view.names()) == gnu_tar_extract(path, tmp_path / "out") == set(FILES)


def test_a_second_member_made_of_zeros_is_still_a_second_member(tmp_path: Path) -> None:
    data = gzip.compress(tar_bytes(FILES)) + gzip.compress(b"\0" * 4 * BLOCK)
    assert rejection_codes(write(tmp_path, data)) == ["archive.multiple-gzip-members"]


def test_a_truncated_gzip_stream_is_corrupt(tmp_path: Path) -> None:
    data = factories.package()
    assert rejection_codes(write(tmp_path, data[: len(data) // 2])) == ["archive.corrupt"]


def test_zeros_after_the_end_cannot_inflate_beyond_the_size_limit(tmp_path: Path) -> None:
    data = gzip.compress(tar_bytes(FILES) + b"\0" * (3 * 1024 * 1024))
    with pytest.raises(PackageRejected) as rejected:
        open_package(write(tmp_path, data), ArchiveLimits(max_unpacked_bytes=1024 * 1024, max_members=10))
    assert [f.code for f in rejected.value.findings] == ["archive.too-large"]
