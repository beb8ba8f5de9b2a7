"""The real `appstore` command line against a real registry process on 127.0.0.1.

The path of the publish-your-first-app guide: init, check, build, login,
publish, show, search, yank, and the errors an author meets on the way.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sdk.client import RegistryClient

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


@dataclass
class Registry:
    url: str
    token: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "appstore-registry"), *args], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    pytest.importorskip("registry.app")
    if not (BIN / "appstore-registry").exists():
        pytest.skip("appstore-registry is not installed")
    base = tmp_path_factory.mktemp("registry")
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPSTORE_")}
    env["APPSTORE_DATA_DIR"] = str(base / "data")
    _admin(env, "init")
    _admin(env, "org", "create", "utrecht", "--name", "Gemeente Utrecht", "--kind", "cooperation")
    token = _admin(env, "token", "create", "--org", "utrecht").split()[0]
    port = _free_port()
    log = (base / "serve.log").open("wb")
    # A session of its own, so that stopping it also stops its workers.
    server = subprocess.Popen(
        [str(BIN / "appstore-registry"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, base / "serve.log")
        yield Registry(url, token, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the registry stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/api/v1/apps", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail("the registry did not start within 30 s")


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
                    "--layer", "interaction", "--license", "EUPL-1.2")
    assert init.returncode == 0, init.stderr
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
