"""`appstore check` says exactly what the registry says, for good and bad packages.

Both run the same plugin manager; this holds them to it end to end: the CLI's
JSON against the API's answer to publishing the same archive.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from registry.db import database
from registry.services.profiles import ProfileService
from sdk.cli import main
from tests import factories

LATEST_IMAGE = factories.package_files()["deploy/deployment.yaml"].replace(b"@sha256:" + b"a" * 64, b":latest")
PRIVILEGED = factories.package_files()["deploy/deployment.yaml"].replace(
    b"allowPrivilegeEscalation: false", b"allowPrivilegeEscalation: false\n            privileged: true")

PACKAGES = {
    "valid": factories.package(),
    "manifest_with_five_mistakes": factories.package(factories.manifest(
        id="Zaak App", version="1.4", summary="x" * 151, layer="presentation", license="Not-A-Licence-1.0")),
    "manifest_with_unknown_keys": factories.package(factories.manifest(homepage="https://example.org")),
    "publiccode_missing": factories.tar_gz({k: v for k, v in factories.package_files().items()
                                             if k != "publiccode.yml"}),
    "publiccode_invalid": factories.package(**{"publiccode.yml": "publiccodeYmlVersion: '0'\nname: 3\n"}),
    "deploy_missing": factories.tar_gz({k: v for k, v in factories.package_files().items()
                                         if not k.startswith("deploy/")}),
    "deploy_with_latest_image": factories.package(**{"deploy__deployment.yaml": LATEST_IMAGE}),
    "deploy_privileged": factories.package(**{"deploy__deployment.yaml": PRIVILEGED}),
    "deploy_undeclared_placeholder": factories.package(**{"deploy__config.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: zaken}\ndata: {host: '${hostname}'}\n")}),
    "archive_with_parent_path": factories.tar_gz({**factories.package_files(), "../evil": b"x"}),
    "archive_with_link": factories.tar_gz(factories.package_files(), links={"deploy/x.yaml": "/etc/passwd"}),
}


def keyed(findings: list[dict] | dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    """(code, severity, key) of each finding; a verdict's findings come grouped by kind."""
    flat = [f for group in findings.values() for f in group] if isinstance(findings, dict) else findings
    return sorted((f["code"], f["severity"], f["key"]) for f in flat)


@pytest.fixture
def registry(sqlite_app: Flask) -> Flask:
    with database(sqlite_app).session() as session:
        ProfileService(session).seed_defaults("test")  # the same profiles `check` uses offline
        session.commit()
    return sqlite_app


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_check_and_registry_agree(name: str, registry: Flask, tmp_path: Path) -> None:
    from tests.conftest import add_organisation

    archive = PACKAGES[name]
    path = tmp_path / "zaakafhandelcomponent-1.4.0.tar.gz"
    path.write_bytes(archive)
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    local = json.loads(result.output)

    token = add_organisation(registry, "dimpact")
    response = registry.test_client().post(
        "/api/v1/releases", data={"package": (io.BytesIO(archive), path.name)},
        headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")
    remote = response.json

    assert (result.exit_code == 0) == (response.status_code == 201), (result.output, remote)
    assert local["accepted"] == (response.status_code == 201)
    assert keyed(local["findings"]) == keyed(remote["findings"])
    if response.status_code == 201:
        assert local["sha256"] == remote["sha256"]
        assert {c["profile"]: (c["compatible"], keyed(c["findings"])) for c in local["compatibility"]} == {
            c["profile"]: (c["compatible"], keyed(c["findings"])) for c in remote["compatibility"]}
