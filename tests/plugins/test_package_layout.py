"""Package layout: the files an app must carry besides its manifest."""

from __future__ import annotations

import pytest
import yaml

from plugins.package_layout import MAX_README_BYTES, appstore_verify_package
from sdk.hookspecs import VerificationContext
from sdk.manifest import load_manifest
from sdk.package import PackageView
from tests import factories


def view(files: dict[str, bytes]) -> PackageView:
    manifest, _ = load_manifest(files)
    return PackageView(files=files, manifest=manifest)


def findings(files: dict[str, bytes]) -> set[tuple[str, str, str]]:
    result = appstore_verify_package(package=view(files), context=VerificationContext())
    return {(f.code, f.severity.value, f.key) for f in result}


def without(files: dict[str, bytes], *names: str) -> dict[str, bytes]:
    return {name: content for name, content in files.items() if name not in names}


def test_complete_package_passes() -> None:
    assert findings(factories.package_files()) == set()


def test_open_source_app_without_publiccode_is_refused() -> None:
    package_missing_publiccode = without(factories.package_files(), "publiccode.yml")
    assert findings(package_missing_publiccode) == {("package.publiccode-missing", "error", "publiccode.yml")}


@pytest.mark.parametrize("licence", ["LicenseRef-Proprietary", "LicenseRef-Proprietary ", "licenseref-proprietary"])
def test_commercial_module_needs_no_publiccode(licence: str) -> None:
    files = factories.package_files(factories.manifest(license=licence))
    assert findings(without(files, "publiccode.yml")) == set()


def test_package_without_deploy_manifests_is_warned_about() -> None:
    files = without(factories.package_files(), "deploy/deployment.yaml")
    files["deploy/README.md"] = b"not a manifest"
    assert findings(files) == {("package.no-deploy", "warning", "deploy/"),
                               ("package.not-a-manifest", "warning", "deploy/README.md")}


def test_deploy_file_that_is_no_yaml_is_an_error_with_its_path() -> None:
    files = factories.package_files(**{"deploy__broken.yaml": "kind: [Deployment\n"})
    assert findings(files) == {("yaml.syntax", "error", "deploy/broken.yaml")}


def test_deploy_files_may_hold_several_documents() -> None:
    files = factories.package_files(**{"deploy__more.yml": "kind: Service\n---\nkind: ConfigMap\n"})
    assert findings(files) == set()


def test_readme_and_changelog_past_the_limit_are_refused() -> None:
    big = b"x" * (MAX_README_BYTES + 1)
    files = factories.package_files(**{"README.md": big, "CHANGELOG.md": big})
    assert findings(files) == {("package.document-too-large", "error", "README.md"),
                               ("package.document-too-large", "error", "CHANGELOG.md")}
    assert findings(factories.package_files(**{"README.md": b"x" * MAX_README_BYTES})) == set()


def test_layer_may_come_from_the_legacy_commonground_section() -> None:
    files = factories.package_files(factories.manifest(layer=None))
    legacy = {**factories.publiccode(), "nl": {"commonground": {"layerType": "Process"}}}
    files["publiccode.yml"] = yaml.safe_dump(legacy).encode()
    assert findings(files) == {("manifest.layer-from-publiccode", "info", "layer")}


def test_layer_missing_everywhere_is_an_error() -> None:
    files = factories.package_files(factories.manifest(layer=None))
    assert findings(files) == {("manifest.missing-key", "error", "layer")}


def test_package_without_manifest_is_not_asked_for_a_layer() -> None:
    assert findings(without(factories.package_files(), "appstore.yaml")) == set()
