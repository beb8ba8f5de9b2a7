"""The data directory, the database and the stored packages are private to the
registry's user, whatever the umask: checked after `appstore-registry init`,
after a publish, and on an installation made by an older version."""

from __future__ import annotations

import io
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.db import database
from tests.conftest import add_organisation, make_app
from tests.e2e.server import console_script, registry_environment
from tests.factories import package

DIRECTORY, FILE = 0o700, 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def everyday_umask() -> Iterator[None]:
    """The umask most systems have, which leaves new files readable to everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def admin(data_dir: Path, *args: str) -> str:
    result = subprocess.run([console_script("appstore-registry"), *args], env=registry_environment(data_dir),
                            capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_init_creates_the_data_directory_and_database_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "instance"
    admin(data_dir, "init")
    assert mode(data_dir) == DIRECTORY
    database_files = [p for p in data_dir.iterdir() if p.name.startswith("registry.db")]
    assert data_dir / "registry.db" in database_files
    for path in [*database_files, data_dir / "secret_key"]:
        assert mode(path) == FILE, path


def test_init_makes_an_older_installation_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "instance"
    admin(data_dir, "init")
    data_dir.chmod(0o755)
    (data_dir / "registry.db").chmod(0o644)
    output = admin(data_dir, "init")
    assert mode(data_dir) == DIRECTORY and mode(data_dir / "registry.db") == FILE
    assert "registry.db is now private (was 0644)" in output


def test_a_publish_stores_the_package_private(tmp_path: Path, everyday_umask: None) -> None:
    data_dir = tmp_path / "instance"
    app = make_app(data_dir, "")  # SQLite in the data dir, as a registry has it by default
    try:
        token = add_organisation(app, "dimpact")
        response = app.test_client().post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                                          data={"package": (io.BytesIO(package()), "p.tar.gz")})
        assert response.status_code == 201, response.get_json()
        artifacts = data_dir / "artifacts"
        stored = [p for p in artifacts.rglob("*") if p.is_file() and len(p.name) == 64]
        assert len(stored) == 1
        for path in [data_dir, *data_dir.rglob("*")]:
            assert mode(path) == (DIRECTORY if path.is_dir() else FILE), path
        assert (data_dir / "registry.db-wal").exists()  # the WAL files were checked too
    finally:
        database(app).dispose()
