"""Publishing over real HTTP to a real server process, with a real token."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
import requests
import yaml

from tests import factories
from tests.e2e.server import RegistryServer, artifact_files

# The session's shared registry (tests/e2e/conftest.py) starts once, on the one worker of its group.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("registry")]

TIMEOUT = 60
PROBLEM_JSON = "application/problem+json"

HAND_WRITTEN_MANIFEST = """\
manifestVersion: 1
id: handmade-zaken
version: "2.1.0"
name: Handgemaakte zaken
summary: Een pakket dat met de hand is ingepakt, zonder appstore build
publisher: dimpact
license: EUPL-1.2
layer: process
categories: [case-management]
config:
  - name: hostname
    required: true
    example: zaken.gemeente.example
"""


def publish(registry: RegistryServer, archive: bytes, filename: str = "package.tar.gz") -> requests.Response:
    return requests.post(
        f"{registry.api}/releases",
        files={"package": (filename, archive, "application/gzip")},
        headers={"Authorization": f"Bearer {registry.token}"},
        timeout=TIMEOUT,
    )


def hand_made_package(folder: Path) -> bytes:
    """A project folder packed the way `tar czf pkg.tar.gz -C folder .` would."""
    (folder / "deploy").mkdir(parents=True)
    (folder / "appstore.yaml").write_text(HAND_WRITTEN_MANIFEST)
    (folder / "publiccode.yml").write_text(yaml.safe_dump(factories.publiccode("Handgemaakte zaken")))
    (folder / "deploy" / "deployment.yaml").write_text(
        factories.DEPLOYMENT.format(name="handmade-zaken", digest="b" * 64))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=".")  # "./appstore.yaml", "./deploy/", ...: as tar writes them
    return buffer.getvalue()


def assert_problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM_JSON)
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["status"] == status
    return problem


def test_hand_made_package_publishes_and_downloads_byte_for_byte(
    registry: RegistryServer, tmp_path: Path
) -> None:
    archive = hand_made_package(tmp_path / "project")
    sha256 = hashlib.sha256(archive).hexdigest()

    created = publish(registry, archive)
    assert created.status_code == 201, created.text
    assert created.json()["sha256"] == sha256
    assert created.json()["manifest"]["id"] == "handmade-zaken"

    download = requests.get(f"{registry.api}/apps/handmade-zaken/releases/2.1.0/package", timeout=TIMEOUT)
    assert download.status_code == 200
    assert download.content == archive
    algorithm, _, encoded = download.headers["Digest"].partition("=")
    assert algorithm == "sha-256"
    assert base64.b64decode(encoded).hex() == hashlib.sha256(download.content).hexdigest() == sha256

    again = publish(registry, archive)
    problem = assert_problem(again, 409)
    assert problem["sha256"] == sha256


BAD_FILES = factories.package_files(factories.manifest(id="unsafe-app"))

UNSAFE_ARCHIVES = {
    "archive_with_parent_path": ("archive.path-traversal",
                                 lambda: factories.tar_gz({**BAD_FILES, "../escape.yaml": b"kind: Secret\n"})),
    "archive_with_symlink": ("archive.link",
                             lambda: factories.tar_gz(BAD_FILES, links={"deploy/secret.yaml": "/etc/shadow"})),
    "gzip_bomb": ("archive.too-large", lambda: factories.gzip_bomb(unpacked_mib=60)),
}


@pytest.mark.parametrize("name", list(UNSAFE_ARCHIVES))
def test_unsafe_archive_is_refused_as_problem_and_leaves_no_file(registry: RegistryServer, name: str) -> None:
    code, build = UNSAFE_ARCHIVES[name]
    before = artifact_files(registry.data_dir)

    problem = assert_problem(publish(registry, build(), f"{name}.tar.gz"), 422)

    assert code in [f["code"] for f in problem["findings"]]
    assert artifact_files(registry.data_dir) == before
    assert requests.get(f"{registry.api}/apps/unsafe-app", timeout=TIMEOUT).status_code == 404


def test_manifest_with_five_mistakes_is_422_naming_all_five_keys(registry: RegistryServer) -> None:
    manifest_with_five_mistakes = factories.manifest(
        id="Zaak App", version="1.4", summary="x" * 151, layer="presentation", license="Not-A-Licence-1.0")

    problem = assert_problem(publish(registry, factories.package(manifest_with_five_mistakes)), 422)

    error_keys = {f["key"] for f in problem["findings"] if f["severity"] == "error"}
    assert {"id", "version", "summary", "layer", "license"} <= error_keys


def test_publish_without_a_valid_token_is_401(registry: RegistryServer) -> None:
    response = requests.post(f"{registry.api}/releases", timeout=TIMEOUT,
                             files={"package": ("p.tar.gz", factories.package())},
                             headers={"Authorization": "Bearer gas_not-a-real-token"})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
