"""Everything that ships is verified: JSON manifests like YAML ones, nothing else from deploy/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdk.checking import check_path
from sdk.errors import AppstoreError
from sdk.findings import Finding
from sdk.installs import write_bundle
from sdk.package import PackageView
from tests import factories
from tests.plugins.kubernetes_support import by_code, compatibility, secure_container
from tests.sdk.helpers import write_project

PRIVILEGED_POD = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hidden"},
    "spec": {"containers": [{"name": "x", "image": "registry.example/x@sha256:" + "c" * 64,
                             "securityContext": {"privileged": True}}]},
}


def view_with(**deploy: str) -> PackageView:
    files = factories.package_files()
    for name, text in deploy.items():
        files[f"deploy/{name}"] = text.encode()
    return PackageView(files=files, manifest=factories.manifest())


def privileged_documents(findings: tuple[Finding, ...]) -> list[str]:
    """``deploy/file[i]`` of each document with a privileged container."""
    return [f.key.split("]")[0] + "]" for f in by_code(findings, "pod-security.privileged")]


def test_the_files_that_ship_are_the_yaml_and_json_manifests_of_deploy() -> None:
    view = view_with(**{"pod.json": "{}", "extra.yml": "", "notes.txt": "", "old.YAML": "", "chart.tgz": ""})
    assert view.deploy_files() == ["deploy/deployment.yaml", "deploy/extra.yml", "deploy/pod.json"]
    assert view.stray_deploy_files() == ["deploy/chart.tgz", "deploy/notes.txt", "deploy/old.YAML"]


def test_a_json_manifest_is_verified_like_a_yaml_one() -> None:
    result = compatibility(view_with(**{"pod.json": json.dumps(PRIVILEGED_POD)}))
    (finding,) = by_code(result.findings, "pod-security.privileged")
    assert finding.key.startswith("deploy/pod.json[0].spec.containers[0]")
    assert not result.compatible


def test_a_yaml_file_holding_json_is_read_as_a_json_stream_as_kubectl_does() -> None:
    # kubectl reads any file that starts with "{" as JSON values, one after another.
    stream = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}) + "\n" + \
        json.dumps(PRIVILEGED_POD)
    result = compatibility(view_with(**{"objects.yaml": stream}))
    assert privileged_documents(result.findings) == ["deploy/objects.yaml[1]"]


def test_broken_json_is_an_error_that_says_kubectl_reads_it_as_json(tmp_path: Path) -> None:
    project = write_project(tmp_path, factories.package_files(**{"deploy__pod.json": '{"kind": "Pod",}'}))
    report = check_path(project)
    assert not report.accepted
    (finding,) = [f for f in report.findings if f.code == "kubernetes.json"]
    assert finding.key == "deploy/pod.json" and "JSON" in finding.message


def test_other_files_in_deploy_are_reported_and_never_ship(tmp_path: Path) -> None:
    project = write_project(tmp_path, factories.package_files(**{"deploy__pod.JSON": json.dumps(PRIVILEGED_POD)}))
    report = check_path(project)
    assert [(f.code, f.severity, f.key) for f in report.findings if f.key == "deploy/pod.JSON"] == [
        ("package.not-a-manifest", "warning", "deploy/pod.JSON")]


def test_a_nested_archive_in_deploy_is_not_unpacked_and_never_ships(tmp_path: Path) -> None:
    inner = factories.tar_gz({"pod.yaml": json.dumps(PRIVILEGED_POD).encode()})
    project = write_project(tmp_path, factories.package_files(**{"deploy__more.tgz": inner}))
    report = check_path(project)
    assert "deploy/more.tgz" in report.files
    assert {f.code for f in report.findings if f.key == "deploy/more.tgz"} == {"package.not-a-manifest"}


def test_every_document_of_a_shipped_file_is_checked_even_past_many_documents() -> None:
    many = "---\n".join(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\n" for n in range(50))
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: last}\nspec:\n  template:\n" \
        "    spec:\n      containers:\n" + secure_container("last", 8).replace("- name", "- name", 1)
    result = compatibility(view_with(**{"all.yaml": many + "---\n" + deployment.replace(
        "allowPrivilegeEscalation: false", "privileged: true")}))
    assert privileged_documents(result.findings) == ["deploy/all.yaml[50]"]


def test_install_writes_only_manifests_and_nothing_when_one_path_is_wrong(tmp_path: Path) -> None:
    good = {"app": "zaken", "files": [{"path": "app.yaml", "content": "kind: ConfigMap\n"},
                                      {"path": "pod.json", "content": "{}"}]}
    written = write_bundle({"items": [good]}, tmp_path / "ok")
    assert sorted(p.name for p in written) == ["app.yaml", "pod.json"]
    for bad in ({"path": "run.sh", "content": "rm -rf /"}, {"path": "../x.yaml", "content": ""}):
        bundle = {"items": [good, {"app": "other", "files": [bad]}]}
        with pytest.raises(AppstoreError, match="nothing was written"):
            write_bundle(bundle, tmp_path / "bad")
        assert not (tmp_path / "bad").exists()
    with pytest.raises(AppstoreError):
        write_bundle({"items": [{"app": "../../etc", "files": []}]}, tmp_path / "bad")
