"""The real `appstore` command line against a real registry process on 127.0.0.1.

The path of the publish-your-first-app guide: init, check, build, login,
publish, show, search, yank, and the errors an author meets on the way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sdk.client import InvalidInput, RegistryClient, RegistryError
from sdk.scaffold import PLACEHOLDER_DIGEST
from tests import factories

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


@dataclass
class Registry:
    url: str
    token: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    pytest.importorskip("registry.app")
    from tests.e2e.server import RegistryServer, registry_environment, running

    server = RegistryServer(tmp_path_factory.mktemp("registry") / "data", workers=1)
    server.setup()
    server.admin("org", "create", "utrecht", "--name", "Gemeente Utrecht", "--kind", "cooperation")
    token = server.admin("token", "create", "--org", "utrecht").stdout.strip()
    with running(server):
        yield Registry(server.url, token, registry_environment(server.data_dir))


@pytest.fixture
def appstore(registry: Registry, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Runs the installed `appstore` with its own settings file, against the registry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPSTORE_")}
    env.update(APPSTORE_REGISTRY=registry.url, APPSTORE_CONFIG=str(tmp_path / "config.json"))

    def run(*args: str, stdin: str = "", cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "appstore"), *args], cwd=cwd, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)
    return run


def _fails_cleanly(done: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for phrase in phrases:
        assert phrase in done.stdout + done.stderr, done.stdout + done.stderr


def test_publish_your_first_app(appstore, registry: Registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = tmp_path / "meldingen"
    init = appstore("init", str(app), "--id", "meldingen", "--name", "Meldingen", "--publisher", "utrecht",
                    "--layer", "interaction", "--license", "EUPL-1.2",
                    "--summary", "Meldingen openbare ruimte ontvangen en afhandelen.")
    assert init.returncode == 0, init.stderr
    # The example image is a reminder until the author puts their own there; publishing refuses it.
    deployment = app / "deploy" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace(PLACEHOLDER_DIGEST, "sha256:" + "ab" * 32))
    assert appstore("check", cwd=app).returncode == 0
    built = json.loads(appstore("build", "--format", "json", cwd=app).stdout)

    _fails_cleanly(appstore("publish", cwd=app), "No token", "appstore login")
    assert appstore("login", stdin=registry.token + "\n").returncode == 0

    first = appstore("publish", cwd=app)
    assert first.returncode == 0, first.stderr
    assert "Published meldingen 0.1.0" in first.stdout
    assert f"{registry.url}/api/v1/apps/meldingen/releases/0.1.0" in first.stdout

    again = appstore("publish", cwd=app)
    assert again.returncode == 0, again.stderr
    assert "already published" in again.stdout

    release = json.loads(appstore("show", "meldingen@0.1.0", "--format", "json").stdout)
    assert (release["status"], release["sha256"]) == ("published", built["sha256"])
    found = json.loads(appstore("search", "meldingen", "--layer", "interaction", "--format", "json").stdout)
    assert [item["id"] for item in found["items"]] == ["meldingen"]
    assert "0.1.0" in appstore("show", "meldingen").stdout
    # The Python client the CLI uses downloads the same bytes, checked against the Digest header.
    saved = RegistryClient(registry.url).download("meldingen", "0.1.0", tmp_path / "download.tar.gz")
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == built["sha256"]

    (app / "README.md").write_text("# Changed\n")
    _fails_cleanly(appstore("publish", cwd=app), "0.1.0 of meldingen already exists", "Raise `version`")

    yank = appstore("yank", "meldingen", "0.1.0", "--reason", "Data loss on upgrade; use 0.1.1.")
    assert yank.returncode == 0, yank.stderr
    release = json.loads(appstore("show", "meldingen@0.1.0", "--format", "json").stdout)
    assert release["status"] == "yanked"
    assert release["yank"]["reason"] == "Data loss on upgrade; use 0.1.1."


def test_errors_from_the_registry_are_one_clear_line(appstore, registry: Registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = tmp_path / "app"
    flags = ["--name", "Kapot", "--publisher", "utrecht", "--layer", "data", "--license", "EUPL-1.2"]
    assert appstore("init", str(app), "--id", "kapot", *flags).returncode == 0

    _fails_cleanly(appstore("publish", "--token", "gas_wrong", cwd=app), "did not accept the token")

    manifest = app / "appstore.yaml"
    manifest.write_text(manifest.read_text().replace("layer: data", "layer: somewhere"))
    _fails_cleanly(appstore("publish", "--token", registry.token, cwd=app), "nothing was uploaded",
                   "manifest.invalid-layer")
    # Without the local check the registry says the same, with every finding.
    _fails_cleanly(appstore("publish", "--no-check", "--token", registry.token, cwd=app),
                   "rejected the package", "manifest.invalid-layer")

    _fails_cleanly(appstore("show", "kapot"), "There is no app")
    _fails_cleanly(appstore("yank", "kapot", "0.1.0", "--reason", "x", "--token", registry.token), "404")
    # Every problem with the input, at once, one line each.
    long = "x" * 65
    _fails_cleanly(appstore("search", "--category", long, "--publisher", long), "2 problem(s)",
                   "- category (too-long): ", "- publisher (too-long): ")


def test_the_client_raises_the_kind_the_registry_names(registry: Registry) -> None:
    with pytest.raises(InvalidInput) as caught:
        RegistryClient(registry.url).search(page=0, page_size=1000, layer="roof")
    assert isinstance(caught.value, RegistryError) and caught.value.status == 400
    assert {(p.name, p.code) for p in caught.value.invalid_params} == {
        ("page", "range"), ("pageSize", "range"), ("layer", "enum")}


def test_dry_run_uploads_nothing(appstore, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = tmp_path / "droog"
    flags = ["--name", "Droog", "--publisher", "utrecht", "--layer", "service", "--license", "MIT"]
    assert appstore("init", str(app), "--id", "droog", *flags).returncode == 0
    done = appstore("publish", "--dry-run", cwd=app)
    assert done.returncode == 0, done.stderr
    assert "not uploaded" in done.stdout
    data = json.loads(appstore("publish", "--dry-run", "--format", "json", cwd=app).stdout)
    assert [(r["uploaded"], Path(r["archive"]).name) for r in data["results"]] == [(False, "droog-0.1.0.tar.gz")]
    _fails_cleanly(appstore("show", "droog"), "There is no app")


def test_a_signed_publish_from_keygen_to_signed_by(appstore, registry: Registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made = appstore("keygen", "signing.pem")
    assert made.returncode == 0, made.stderr
    key_file = tmp_path / "signing.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert made.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    _fails_cleanly(appstore("keygen", "signing.pem"), "never overwritten")
    archive = tmp_path / "getekend-1.0.0.tar.gz"
    archive.write_bytes(factories.package(factories.manifest(id="getekend", publisher="utrecht", version="1.0.0")))

    # Signed with a key the registry does not know: refused, nothing published.
    _fails_cleanly(appstore("publish", str(archive), "--sign", "signing.pem", "--token", registry.token),
                   "signature.unknown-key")
    squatted = requests.post(f"{registry.url}/api/v1/organisations/utrecht/keys", json={"publicKey": made.stdout},
                             headers={"Authorization": f"Bearer {registry.token}"}, timeout=30)
    assert squatted.status_code == 400  # no proof of holding the private key: not registered
    registering = appstore("register-key", "signing.pem", "--organisation", "utrecht", "--label", "CI",
                           "--token", registry.token, "--format", "json")
    assert registering.returncode == 0, registering.stdout + registering.stderr
    registered = json.loads(registering.stdout)
    done = appstore("publish", str(archive), "--sign", "signing.pem", "--token", registry.token,
                    "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    release = json.loads(done.stdout)["results"][0]["release"]
    assert release["signedBy"]["organisation"] == "utrecht"
    assert release["signedBy"]["key"] == registered["fingerprint"]
    _fails_cleanly(appstore("publish", str(archive), "--sign", "nothing.pem"), "Cannot read the key file")
