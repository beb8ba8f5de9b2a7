"""Chart-based projects: `init --helm`, .helmignore, and dependencies vendored from Chart.lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from plugins.kubernetes_objects import deploy_of
from sdk.archive import open_package
from sdk.builder import build_package
from sdk.cli import main
from sdk.errors import AppstoreError
from sdk.folder import select_files
from tests import factories, helm_charts
from tests.sdk.helpers import write_project

LOCK = "dependencies:\n- name: cache\n  repository: https://charts.example\n  version: 1.2.0\n"


def chart_project(root: Path, **extra: str) -> Path:
    files = factories.package_files()
    del files["deploy/deployment.yaml"]
    files.update(helm_charts.in_package(helm_charts.chart(**extra)))
    return write_project(root, files)


def test_helmignore_leaves_chart_files_out(tmp_path: Path) -> None:
    root = chart_project(tmp_path, **{
        ".helmignore": "# editor files\n*.swp\ndocs/\nREADME.md.gotmpl\n",
        "docs/design.md": "x", "templates/deployment.yaml.swp": "x", "README.md.gotmpl": "x",
        "charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.2.0\n",
        "charts/cache/.helmignore": "tests/\n", "charts/cache/tests/t.yaml": "x",
    })
    names = set(select_files(root).files)
    assert {"chart/Chart.yaml", "chart/.helmignore", "chart/templates/deployment.yaml",
            "chart/charts/cache/Chart.yaml"} <= names
    assert not names & {"chart/docs/design.md", "chart/templates/deployment.yaml.swp",
                        "chart/README.md.gotmpl", "chart/charts/cache/tests/t.yaml"}
    assert "README.md" in names  # the package's own README is not the chart's


def test_helmignore_outside_chart_has_no_effect(tmp_path: Path) -> None:
    root = chart_project(tmp_path)
    (root / ".helmignore").write_text("README.md\n")
    assert "README.md" in select_files(root).files


def test_build_vendors_locked_dependencies_from_the_helm_cache(tmp_path: Path, monkeypatch) -> None:
    root = chart_project(tmp_path / "project", **{"Chart.lock": LOCK})
    cache = tmp_path / "helm-cache"
    (cache / "repository").mkdir(parents=True)
    (cache / "repository" / "cache-1.2.0.tgz").write_bytes(b"archive bytes")
    monkeypatch.setenv("HELM_CACHE_HOME", str(cache))
    built = build_package(root)
    assert built.vendored == ("chart/charts/cache-1.2.0.tgz",)
    view, _ = open_package(built.path)
    assert view.read("chart/charts/cache-1.2.0.tgz") == b"archive bytes"
    assert not (root / "chart" / "charts").exists()  # the author's folder is left as it was


def test_build_says_which_dependency_is_missing_and_how_to_get_it(tmp_path: Path, monkeypatch) -> None:
    root = chart_project(tmp_path / "project", **{"Chart.lock": LOCK})
    monkeypatch.setenv("HELM_CACHE_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(AppstoreError) as caught:
        build_package(root)
    assert "cache 1.2.0" in caught.value.message
    assert "helm dependency build chart" in caught.value.hint
    assert not (root / "dist").exists()


def test_vendored_folder_needs_nothing_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    root = chart_project(tmp_path / "project", **{
        "Chart.lock": LOCK, "charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.2.0\n"})
    monkeypatch.setenv("HELM_CACHE_HOME", str(tmp_path / "empty-cache"))
    assert build_package(root).vendored == ()


def test_init_helm_scaffolds_a_chart_project_that_passes_every_check(tmp_path: Path) -> None:
    pytest.importorskip("helm_python", reason="helm-python-sdk is not installed (pip install '.[helm]')")
    runner = CliRunner()
    flags = ["--id", "mijn-app", "--name", 'Mijn App: "zaken"', "--publisher", "utrecht",
             "--layer", "process", "--license", "EUPL-1.2"]
    result = runner.invoke(main, ["init", str(tmp_path / "app"), "--helm", *flags])
    assert result.exit_code == 0, result.output
    root = tmp_path / "app"
    assert not (root / "deploy").exists()
    assert (root / "chart" / ".helmignore").is_file()
    check = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.output)
    # Only the reminders to replace the example summary and image, which publishing refuses.
    assert sorted((f["code"], f["severity"]) for f in report["findings"]) == [
        ("scaffold.placeholder-digest", "warning"), ("scaffold.template-summary", "warning")]
    assert all(c["compatible"] for c in report["compatibility"])
    view, _ = open_package(build_package(root).path)
    kinds = {o.kind for o in deploy_of(view).objects}
    assert kinds == {"Deployment", "Service", "Ingress"}  # the Ingress from ci/ and config values
    (ingress,) = [o for o in deploy_of(view).objects if o.kind == "Ingress"
                  and o.body["spec"]["rules"][0]["host"] == "mijn-app.gemeente.example"]
    assert ingress.path == "chart/templates/ingress.yaml"
