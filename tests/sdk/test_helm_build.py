"""Building chart-based projects: .helmignore, and dependencies vendored from Chart.lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdk.archive import open_package
from sdk.builder import build_package
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
