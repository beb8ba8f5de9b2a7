"""A full disk is a 507 that says so, and leaves nothing half-written: no staged
upload, no stored file, no claimed app id without a release.

The artifact store sits on a real 1 MiB tmpfs (mounting needs root, which CI
and the development machines have; elsewhere those tests skip and say why).
A full database is real too: SQLite's ``max_page_count`` makes it refuse to
grow, exactly as a full disk would (SQLITE_FULL).
"""

from __future__ import annotations

import base64
import errno
import io
import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text

from registry.db import database
from registry.extensions import STORE
from registry.models import App, Organisation, Release, utcnow
from registry.storage import FileSystemStore, StoredBlob, full_disk_refused
from tests import factories
from tests.conftest import IN_CI, add_organisation, make_app
from tests.registry.test_fsck import run_fsck
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, csrf_token, sign_in


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real filesystem of 1 MiB."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        message = f"cannot mount a 1 MiB tmpfs (needs root): {mounted.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


@pytest.fixture
def app_on_tiny_disk(tmp_path: Path, schema_url: str, tiny_disk: Path) -> Iterator[Flask]:
    application = make_app(tmp_path / "data", schema_url, with_schema=True, STORAGE_URL=f"file://{tiny_disk}")
    yield application
    database(application).dispose()


def large_package() -> bytes:
    """A valid package of 1.5 MiB that does not compress: more than the disk holds."""
    return factories.package(**{"docs/scan.bin": os.urandom(1536 * 1024)})


def files_on(disk: Path) -> list[Path]:
    return [p for p in disk.rglob("*") if p.is_file() and "locks" not in p.parts]


def apps(app: Flask) -> int:
    with database(app).session() as session:
        return session.scalar(select(func.count()).select_from(App))


def test_full_disk_is_a_507_problem_and_nothing_stays(app_on_tiny_disk: Flask, tiny_disk: Path) -> None:
    client = app_on_tiny_disk.test_client()
    token = add_organisation(app_on_tiny_disk, "dimpact")
    response = publish(client, token, large_package())
    assert response.status_code == 507
    assert response.mimetype == "application/problem+json"
    assert response.json["type"].endswith("/storage-full")
    assert "storage is full" in response.json["detail"]
    assert files_on(tiny_disk) == []
    assert apps(app_on_tiny_disk) == 0
    # Space for a normal package is still there afterwards.
    assert publish(client, token, factories.package()).status_code == 201


def test_full_disk_in_the_browser_is_a_507_page(app_on_tiny_disk: Flask, tiny_disk: Path) -> None:
    client = app_on_tiny_disk.test_client()
    add_person(app_on_tiny_disk, "eva@dimpact.example")
    assert sign_in(client, "eva@dimpact.example") == 302
    response = client.post("/publish", data={
        "organisation": "dimpact", "csrf_token": csrf_token(client, "/publish"),
        "package": (io.BytesIO(large_package()), "zaakafhandelcomponent-1.4.0.tar.gz"),
    }, content_type="multipart/form-data")
    assert response.status_code == 507
    assert response.mimetype == "text/html"
    assert files_on(tiny_disk) == []


class StoreThatFillsUpOnWrite(FileSystemStore):
    """Receiving fits, storing does not: the moment after the id is claimed."""

    def write(self, source: BinaryIO, *, expected: str | None = None) -> StoredBlob:
        with full_disk_refused():
            raise OSError(errno.ENOSPC, "No space left on device")


def test_failed_publish_gives_back_the_id_it_claimed(app: Flask, tmp_path: Path) -> None:
    # The tmpfs cannot fail just at this moment, so the failure comes through the store interface.
    app.extensions[STORE] = StoreThatFillsUpOnWrite(tmp_path / "artifacts")
    client = app.test_client()
    response = publish(client, add_organisation(app, "dimpact"), factories.package())
    assert response.status_code == 507
    assert apps(app) == 0
    assert run_fsck(app).clean


def test_full_database_is_a_507_and_the_claim_is_given_back(sqlite_app: Flask) -> None:
    token = add_organisation(sqlite_app, "dimpact")
    engine = database(sqlite_app).engine
    with engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _no_room(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    # The app row fits in a page that has room; the release, with its long README, does not.
    readme = "# App\n\n" + base64.b64encode(os.urandom(150 * 1024)).decode()
    response = publish(sqlite_app.test_client(), token, factories.package(**{"README.md": readme}))
    assert response.status_code == 507, response.json
    assert response.json["type"].endswith("/storage-full")
    assert apps(sqlite_app) == 0
    assert list((Path(sqlite_app.config["DATA_DIR"]) / "artifacts").glob("??/??/*")) == []


def test_fsck_reports_and_repairs_an_abandoned_claim(app: Flask) -> None:
    token = add_organisation(app, "dimpact")
    client = app.test_client()
    assert publish(client, token, factories.package()).status_code == 201
    with database(app).session() as session:
        owner = session.scalars(select(Organisation).where(Organisation.slug == "dimpact")).one()
        long_ago = utcnow() - timedelta(hours=2)
        session.add(App(slug="verlaten-app", organisation_id=owner.id, name="Verlaten", summary="s",
                        license="EUPL-1.2", categories=[], created_at=long_ago))
        session.add(App(slug="net-geclaimd", organisation_id=owner.id, name="Net", summary="s",
                        license="EUPL-1.2", categories=[]))  # a publish in progress
        session.commit()
    report = run_fsck(app)
    assert report.unreleased_claims == ["verlaten-app (dimpact)"]
    assert not report.clean
    repaired = run_fsck(app, repair=True)
    assert "verlaten-app" in repaired.repaired
    with database(app).session() as session:
        slugs = set(session.scalars(select(App.slug)))
        assert slugs == {"zaakafhandelcomponent", "net-geclaimd"}
        assert session.scalar(select(func.count()).select_from(Release)) == 1
