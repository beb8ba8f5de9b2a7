"""`appstore download` and `install` verify packages against the registry's signed metadata (TUF),
against a real registry process: a changed byte, a swapped file and a replayed older index are
refused, nothing is saved, and once the registry is restored the same commands work."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import requests

from sdk.client import RegistryClient
from tests import factories
from tests.e2e.server import RegistryServer, console_script, running
from tests.sdk.test_install_e2e import municipal_registry

pytestmark = pytest.mark.e2e
APP = "open-notificaties"
ENVIRONMENTS = ("byte", "swap", "replay")
NEWEST_SET = ("DELETE FROM signed_metadata WHERE role != 'root' AND version = "
              "(SELECT max(version) FROM signed_metadata AS s WHERE s.role = signed_metadata.role)")


def publish(server: RegistryServer, folder: Path, version: str) -> bytes:
    archive = factories.package(factories.manifest(id=APP, version=version, name="Open Notificaties"))
    (folder / f"{APP}-{version}.tar.gz").write_bytes(archive)
    RegistryClient(server.url, server.token).publish(folder / f"{APP}-{version}.tar.gz")
    return archive


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RegistryServer, str, bytes]]:
    base = tmp_path_factory.mktemp("signed")
    server, town = municipal_registry(base)
    server.admin_here("tuf", "init")
    with running(server):
        archive = publish(server, base, "1.4.0")  # signed by the running server after its commit
        for name in ENVIRONMENTS:  # one per test that installs: each starts with nothing installed
            created = requests.post(f"{server.api}/organisations/utrecht/environments", timeout=30,
                                    json={"name": name, "stage": "test", "profile": "gemeentecloud"},
                                    headers={"Authorization": f"Bearer {town}"})
            assert created.status_code == 201, created.text
        yield server, town, archive


@pytest.fixture
def appstore(registry: tuple[RegistryServer, str, bytes], tmp_path: Path):  # type: ignore[no-untyped-def]
    server, town, _ = registry
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPSTORE_") and not k.startswith("LC_")}
    env.update(APPSTORE_REGISTRY=server.url, APPSTORE_TOKEN=town, APPSTORE_CONFIG=str(tmp_path / "config.json"),
               LANG="C.UTF-8")

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([console_script("appstore"), *args], cwd=tmp_path, env={**env, **extra_env},
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return run


def database(server: RegistryServer) -> sqlite3.Connection:
    return closing(sqlite3.connect(server.data_dir / "registry.db", isolation_level=None))  # type: ignore[return-value]


def blob(server: RegistryServer, archive: bytes) -> Path:
    import hashlib

    sha256 = hashlib.sha256(archive).hexdigest()
    return server.data_dir / "artifacts" / sha256[:2] / sha256[2:4] / sha256


def install(appstore, env: str, ref: str = APP) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return appstore("install", ref, "--env", f"utrecht/{env}", "--yes", "--output", "out")


def test_download_saves_the_signed_package_and_pins_the_root(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, _, archive = registry
    done = appstore("download", f"{APP}@1.4.0")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{APP}-1.4.0.tar.gz").read_bytes() == archive
    assert "warning" not in done.stderr
    assert list((tmp_path / "trust").glob("*/root.json"))  # pinned on first use
    assert list((tmp_path / "trust").glob("*/bins-*.json"))  # verified through the bin targets delegates to


def test_trust_init_pins_a_root_handed_over(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, _, _ = registry
    (tmp_path / "root.json").write_bytes(requests.get(f"{server.api}/tuf/1.root.json", timeout=30).content)
    done = appstore("trust", "init", "--root", "root.json")
    assert done.returncode == 0, done.stderr
    assert "root version 1" in done.stdout
    forged = tmp_path / "forged.json"
    forged.write_text((tmp_path / "root.json").read_text().replace('"version":1', '"version":7'))
    refused = appstore("trust", "init", "--root", "forged.json")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr


def test_a_changed_byte_is_refused_and_once_restored_it_installs(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, _, archive = registry
    stored = blob(server, archive)
    original = stored.read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    stored.write_bytes(bytes(changed))
    try:
        refused = appstore("download", f"{APP}@1.4.0")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert not (tmp_path / f"{APP}-1.4.0.tar.gz").exists()
        refused = install(appstore, "byte")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert not (tmp_path / "out").exists()
    finally:
        stored.write_bytes(original)
    assert install(appstore, "byte", f"{APP}@1.4.0").returncode == 0
    assert (tmp_path / "out" / f"01-{APP}").is_dir()


def test_a_swapped_file_is_refused_by_the_signatures(appstore, registry, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The registry's own records point 1.4.0 at another package (a compromised database or
    mirror): its Digest header agrees, only the signed targets tell."""
    server, _, archive = registry
    other = publish(server, tmp_path, "1.4.1")
    import hashlib

    real, swapped = hashlib.sha256(archive).hexdigest(), hashlib.sha256(other).hexdigest()
    update = "UPDATE release SET artifact_sha256 = ? WHERE version = '1.4.0'"
    with database(server) as connection:
        connection.execute(update, (swapped,))
    try:
        refused = appstore("download", f"{APP}@1.4.0")
        assert refused.returncode == 1
        assert "not the one the registry signed" in refused.stderr, refused.stderr
        assert not (tmp_path / f"{APP}-1.4.0.tar.gz").exists()
        refused = install(appstore, "swap", f"{APP}@1.4.0")
        assert refused.returncode == 1 and "not the one the registry signed" in refused.stderr, refused.stderr
        assert not (tmp_path / "out").exists()
    finally:
        with database(server) as connection:
            connection.execute(update, (real,))
    assert appstore("download", f"{APP}@1.4.0").returncode == 0


def test_a_replayed_older_index_is_refused_and_the_current_one_accepted(appstore, registry,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    server, _, _ = registry
    publish(server, tmp_path, "1.5.0")
    assert appstore("download", f"{APP}@1.5.0", "-o", "new.tar.gz").returncode == 0  # this computer saw the newest
    with database(server) as connection:  # serve the set of before 1.5.0 again, as a stale mirror would
        connection.execute("CREATE TABLE hidden AS SELECT * FROM signed_metadata WHERE 0")
        connection.execute("INSERT INTO hidden " + NEWEST_SET.replace("DELETE FROM", "SELECT * FROM"))
        connection.execute(NEWEST_SET)
    try:
        refused = appstore("download", f"{APP}@1.4.0", "-o", "again.tar.gz")
        assert refused.returncode == 1
        assert "older signed metadata" in refused.stderr, refused.stderr
        assert not (tmp_path / "again.tar.gz").exists()
        refused = install(appstore, "replay")
        assert refused.returncode == 1 and "older signed metadata" in refused.stderr
    finally:
        with database(server) as connection:
            connection.execute("INSERT INTO signed_metadata SELECT * FROM hidden")
            connection.execute("DROP TABLE hidden")
    assert appstore("download", f"{APP}@1.4.0", "-o", "again.tar.gz").returncode == 0
    assert install(appstore, "replay").returncode == 0
