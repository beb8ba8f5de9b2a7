"""appstore build: which files go in, and byte-identical archives from the same inputs."""

from __future__ import annotations

import gzip
import os
import struct
import tarfile
from pathlib import Path

import pytest

from sdk.archive import open_package
from sdk.builder import build_package
from sdk.errors import AppstoreError
from sdk.folder import select_files
from tests.sdk.helpers import write_project


def test_same_inputs_give_byte_identical_archives(tmp_path: Path) -> None:
    first = write_project(tmp_path / "a")
    second = write_project(tmp_path / "b")
    # Different clocks, permissions and creation order must not matter.
    os.utime(first / "README.md", (1_000_000, 1_000_000))
    (second / "README.md").chmod(0o600)
    (second / "deploy" / "deployment.yaml").touch()
    one = build_package(first)
    two = build_package(second)
    assert one.path.name == "zaakafhandelcomponent-1.4.0.tar.gz"
    assert one.path.read_bytes() == two.path.read_bytes()
    assert one.sha256 == two.sha256
    assert build_package(first).path.read_bytes() == one.path.read_bytes()


def test_archive_carries_no_host_metadata(tmp_path: Path) -> None:
    root = write_project(tmp_path / "app", **{})
    script = root / "deploy" / "migrate.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o775)
    built = build_package(root)
    raw = built.path.read_bytes()
    flags, mtime = raw[3], struct.unpack("<I", raw[4:8])[0]
    assert mtime == 0
    assert not flags & 0x08, "the gzip header must not carry a file name"
    with tarfile.open(built.path) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == sorted(m.name for m in members)
        assert all(m.isfile() for m in members)
        assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", 0)}
        assert {m.name: m.mode for m in members}["deploy/migrate.sh"] == 0o755
        assert {m.mode for m in members if m.name != "deploy/migrate.sh"} == {0o644}
        assert all(not m.pax_headers for m in members)
    with gzip.open(built.path) as fh:
        assert b"PaxHeader" not in fh.read()


def test_built_archive_opens_like_an_upload(tmp_path: Path) -> None:
    built = build_package(write_project(tmp_path / "app"))
    view, findings = open_package(built.path)
    assert findings == []
    assert view.manifest["id"] == "zaakafhandelcomponent"
    assert view.sha256 == built.sha256


def test_never_packs_vcs_dist_secrets_or_ignored_files(tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    for name in (".git/config", "dist/old-1.0.0.tar.gz", ".env", ".env.local", "certs/tls.key",
                 "certs/tls.pem", "id_rsa", "id_rsa.pub", "notes/todo.txt", "deploy/dist/keep.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    (root / ".appstoreignore").write_text("notes/\n# a comment\n!.env\n")
    selection = select_files(root)
    assert sorted(selection.files) == [
        "README.md", "appstore.yaml", "deploy/deployment.yaml", "deploy/dist/keep.yaml", "publiccode.yml",
    ]
    assert selection.secrets == (
        ".env", ".env.local", "certs/tls.key", "certs/tls.pem", "id_rsa", "id_rsa.pub")
    with tarfile.open(build_package(root).path) as tar:
        assert sorted(tar.getnames()) == sorted(selection.files)


def test_refuses_symlinks_with_a_clear_message(tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    (root / "deploy" / "link.yaml").symlink_to(root / "deploy" / "deployment.yaml")
    with pytest.raises(AppstoreError, match=r"Symbolic links .*deploy/link\.yaml"):
        build_package(root)


def test_ignored_symlink_is_no_problem(tmp_path: Path) -> None:
    root = write_project(tmp_path / "app")
    (root / "current").symlink_to(tmp_path)
    (root / ".appstoreignore").write_text("current\n")
    assert "current" not in select_files(root).files


def test_manifest_without_valid_version_cannot_be_named(tmp_path: Path) -> None:
    root = write_project(tmp_path / "app", version="one")
    with pytest.raises(AppstoreError, match="not a SemVer version"):
        build_package(root)


def test_folder_without_manifest(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi")
    with pytest.raises(AppstoreError, match="appstore init"):
        build_package(tmp_path)


def test_dist_dir_can_be_elsewhere(tmp_path: Path) -> None:
    built = build_package(write_project(tmp_path / "app"), tmp_path / "out")
    assert built.path.parent == tmp_path / "out"
