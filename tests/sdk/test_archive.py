"""Opening package archives safely: every rejection, and what is accepted."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest

from sdk.archive import ArchiveLimits, open_package
from sdk.errors import PackageRejected
from tests import factories

FILES = factories.package_files()
DEFAULT_LIMITS = ArchiveLimits()


def tar_gz(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    """An archive of explicit members, so that any kind of entry can be written."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, content in members:
            if content is not None:
                info.size = len(content)
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
    return buffer.getvalue()


def regular(name: str, content: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), content


def entry(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def valid_members() -> list[tuple[tarfile.TarInfo, bytes]]:
    return [regular(name, content) for name, content in FILES.items()]


def archive_with(*extra: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    return tar_gz(*valid_members(), *extra)


def open_bytes(tmp_path: Path, data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
    path = tmp_path / "package.tar.gz"
    path.write_bytes(data)
    return open_package(path, limits)


def rejection_codes(tmp_path: Path, data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> list[str]:
    with pytest.raises(PackageRejected) as rejected:
        open_bytes(tmp_path, data, limits)
    assert all(f.is_error for f in rejected.value.findings)
    return [f.code for f in rejected.value.findings]


# Bad inputs, named after the failure they cause.

def archive_with_absolute_path() -> bytes:
    return archive_with(regular("/etc/cron.d/evil", b"* * * * * root sh\n"))


def archive_with_parent_path() -> bytes:
    return archive_with(regular("../escape.yaml", b"kind: Secret\n"))


def archive_with_parent_path_inside() -> bytes:
    return archive_with(regular("deploy/../../escape.yaml", b"kind: Secret\n"))


def archive_with_symlink() -> bytes:
    return archive_with(entry("deploy/secret.yaml", tarfile.SYMTYPE, "/etc/shadow"))


def archive_with_hardlink() -> bytes:
    return archive_with(entry("deploy/copy.yaml", tarfile.LNKTYPE, "appstore.yaml"))


def archive_with_device() -> bytes:
    return archive_with(entry("deploy/null", tarfile.CHRTYPE))


def archive_with_fifo() -> bytes:
    return archive_with(entry("deploy/pipe", tarfile.FIFOTYPE))


def archive_with_control_character_in_name() -> bytes:
    return archive_with(regular("deploy/evil\nname.yaml", b"a: 1\n"))


def archive_with_duplicate_member() -> bytes:
    return archive_with(regular("appstore.yaml", b"manifestVersion: 1\n"))


def archive_with_duplicate_member_spelt_differently() -> bytes:
    return archive_with(regular("./appstore.yaml", b"manifestVersion: 1\n"))


def archive_that_is_zip() -> bytes:
    return b"PK\x03\x04" + b"\0" * 100


def archive_that_is_plain_tar() -> bytes:
    return gzip.decompress(factories.package())


def archive_truncated() -> bytes:
    data = factories.package(**{"assets__payload.bin": os.urandom(64 * 1024)})
    return data[: len(data) // 2]


def archive_corrupt() -> bytes:
    return b"\x1f\x8b\x08\x00" + os.urandom(2000)


# Rejections.

@pytest.mark.parametrize(("build", "code", "key"), [
    (archive_with_absolute_path, "archive.absolute-path", "/etc/cron.d/evil"),
    (archive_with_parent_path, "archive.path-traversal", "../escape.yaml"),
    (archive_with_parent_path_inside, "archive.path-traversal", "deploy/../../escape.yaml"),
    (archive_with_symlink, "archive.link", "deploy/secret.yaml"),
    (archive_with_hardlink, "archive.link", "deploy/copy.yaml"),
    (archive_with_device, "archive.special-file", "deploy/null"),
    (archive_with_fifo, "archive.special-file", "deploy/pipe"),
    (archive_with_control_character_in_name, "archive.bad-name", "deploy/evil\nname.yaml"),
    (archive_with_duplicate_member, "archive.duplicate-member", "appstore.yaml"),
    (archive_with_duplicate_member_spelt_differently, "archive.duplicate-member", "./appstore.yaml"),
], ids=lambda value: getattr(value, "__name__", None))
def test_unsafe_member_is_rejected_with_its_path(tmp_path: Path, build, code: str, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PackageRejected) as rejected:
        open_bytes(tmp_path, build())
    assert [(f.code, f.key) for f in rejected.value.findings] == [(code, key)]


def test_every_unsafe_member_is_reported_at_once(tmp_path: Path) -> None:
    data = archive_with(regular("../a", b"x"), entry("b", tarfile.SYMTYPE, "/etc"), regular("/c", b"x"))
    assert rejection_codes(tmp_path, data) == [
        "archive.path-traversal", "archive.link", "archive.absolute-path"]


def test_too_many_members_is_rejected(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_members=len(FILES))
    assert open_bytes(tmp_path, archive_with(), limits)[0].manifest is not None
    archive_with_too_many_members = archive_with(regular("deploy/one-too-many.yaml", b"a: 1\n"))
    assert rejection_codes(tmp_path, archive_with_too_many_members, limits) == ["archive.too-many-members"]


def test_unpacking_past_the_limit_is_rejected(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_unpacked_bytes=sum(map(len, FILES.values())) + 1000)
    assert open_bytes(tmp_path, archive_with(regular("assets/ok.bin", os.urandom(900))), limits)
    archive_too_large = archive_with(regular("assets/big.bin", os.urandom(2000)))
    assert rejection_codes(tmp_path, archive_too_large, limits) == ["archive.too-large"]


def test_gzip_bomb_is_rejected_without_unpacking_it_all(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_unpacked_bytes=2 * 1024 * 1024, max_ratio=10_000)
    assert rejection_codes(tmp_path, factories.gzip_bomb(unpacked_mib=64), limits) == ["archive.too-large"]


def test_compression_ratio_over_the_limit_is_rejected(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_ratio=50, ratio_floor_bytes=64 * 1024)
    archive_with_high_ratio = archive_with(regular("assets/zeros.bin", bytes(512 * 1024)))
    assert rejection_codes(tmp_path, archive_with_high_ratio, limits) == ["archive.compression-ratio"]


def test_compression_ratio_is_not_judged_below_the_floor(tmp_path: Path) -> None:
    limits = ArchiveLimits(max_ratio=2, ratio_floor_bytes=1024 * 1024)
    view, _ = open_bytes(tmp_path, archive_with(regular("assets/zeros.bin", bytes(100 * 1024))), limits)
    assert view.exists("assets/zeros.bin")


@pytest.mark.parametrize(("build", "code"), [
    (archive_that_is_zip, "archive.not-gzip"),
    (archive_that_is_plain_tar, "archive.not-gzip"),
    (archive_truncated, "archive.corrupt"),
    (archive_corrupt, "archive.corrupt"),
], ids=lambda value: getattr(value, "__name__", None))
def test_damaged_or_foreign_archive_is_rejected(tmp_path: Path, build, code: str) -> None:  # type: ignore[no-untyped-def]
    assert rejection_codes(tmp_path, build()) == [code]


# Acceptance.

def test_dot_slash_names_and_directory_entries_are_accepted(tmp_path: Path) -> None:
    directory = tarfile.TarInfo("./deploy")
    directory.type = tarfile.DIRTYPE
    root = tarfile.TarInfo(".")
    root.type = tarfile.DIRTYPE
    data = tar_gz((root, None), (directory, None),
                  *[regular(f"./{name}", content) for name, content in FILES.items()])

    view, findings = open_bytes(tmp_path, data)

    assert findings == []
    assert view.names() == sorted(FILES)
    assert view.read("deploy/deployment.yaml") == FILES["deploy/deployment.yaml"]
    assert view.manifest is not None and view.manifest["id"] == "zaakafhandelcomponent"
    assert view.sha256 == hashlib.sha256(data).hexdigest()
    assert view.size == len(data)


def test_view_cannot_be_changed_by_a_plugin(tmp_path: Path) -> None:
    view, _ = open_bytes(tmp_path, factories.package())
    with pytest.raises(TypeError):
        view.files["appstore.yaml"] = b"changed"  # type: ignore[index]


def test_missing_manifest_is_a_finding_not_a_rejection(tmp_path: Path) -> None:
    files = {name: content for name, content in FILES.items() if name != "appstore.yaml"}
    view, findings = open_bytes(tmp_path, factories.tar_gz(files))
    assert view.manifest is None
    assert [(f.code, f.key) for f in findings] == [("manifest.missing", "appstore.yaml")]
