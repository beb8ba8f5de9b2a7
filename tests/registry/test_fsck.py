"""fsck: the database and the artifact store agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.extensions import STORE
from registry.models import Release
from registry.services.fsck import fsck
from tests import factories
from tests.registry.content_support import LOGO, SCREENSHOT, images, package_with_content
from tests.registry.stores import interrupt_write, tamper
from tests.registry.test_publish_api import publish


def run_fsck(app: Flask, repair: bool = False):  # type: ignore[no-untyped-def]
    with database(app).session() as session:
        return fsck(session, app.extensions[STORE], repair=repair)


def test_clean_registry_is_clean(app: Flask, client: FlaskClient, token: str) -> None:
    publish(client, token, factories.package())
    report = run_fsck(app)
    assert report.clean
    assert report.checked == 1


def test_orphaned_file_is_reported_and_repair_removes_it(app: Flask, client: FlaskClient, token: str) -> None:
    publish(client, token, factories.package())
    store = app.extensions[STORE]
    orphan = store.write(io.BytesIO(b"left behind by a crash")).key
    report = run_fsck(app)
    assert report.orphans == [orphan]
    assert not report.clean
    repaired = run_fsck(app, repair=True)
    assert orphan in repaired.repaired
    assert not store.exists(orphan)
    assert run_fsck(app).clean


def test_missing_and_corrupt_files_are_reported_not_repaired(app: Flask, client: FlaskClient, token: str) -> None:
    first = factories.package()
    second = factories.package(factories.manifest(version="1.5.0"))
    publish(client, token, first)
    publish(client, token, second)
    store = app.extensions[STORE]
    missing = hashlib.sha256(first).hexdigest()
    corrupt = hashlib.sha256(second).hexdigest()
    store.delete(missing)
    tamper(store, corrupt, b"tampered")
    report = run_fsck(app, repair=True)
    assert report.missing == [f"zaakafhandelcomponent@1.4.0 {missing}"]
    assert report.corrupt == [f"zaakafhandelcomponent@1.5.0 {corrupt}"]
    assert not report.clean


def test_stale_uploads_are_removed_but_fresh_ones_kept(app: Flask) -> None:
    store = app.extensions[STORE]
    stale = interrupt_write(store, 2 * 3600)
    fresh = interrupt_write(store, 0)
    report = run_fsck(app, repair=True)
    assert report.stale_staging == [stale]
    assert store.unfinished_writes(older_than=-60) == [fresh]


def publish_with_images(app: Flask, client: FlaskClient, token: str) -> dict[str, str]:
    """An open release with three images; their sha256 by path."""
    assert publish(client, token, package_with_content(factories.manifest())).status_code == 201
    return {path: hashlib.sha256(data).hexdigest() for path, data in images("zaakafhandelcomponent", "1.4.0").items()}


def test_release_images_are_no_orphans(app: Flask, client: FlaskClient, token: str) -> None:
    stored = publish_with_images(app, client, token)
    assert all(app.extensions[STORE].exists(sha256) for sha256 in stored.values())
    report = run_fsck(app, repair=True)
    assert report.clean and report.repaired == []
    assert all(app.extensions[STORE].exists(sha256) for sha256 in stored.values())


def test_a_missing_or_altered_image_is_taken_again_from_the_package(
        app: Flask, client: FlaskClient, token: str) -> None:
    stored = publish_with_images(app, client, token)
    store = app.extensions[STORE]
    store.delete(stored[SCREENSHOT])
    tamper(store, stored[LOGO], b"tampered")
    report = run_fsck(app)
    assert report.missing == [f"zaakafhandelcomponent@1.4.0 {SCREENSHOT} {stored[SCREENSHOT]}"]
    assert report.corrupt == [f"zaakafhandelcomponent@1.4.0 {LOGO} {stored[LOGO]}"]
    repaired = run_fsck(app, repair=True)
    assert "zaakafhandelcomponent@1.4.0 images" in repaired.repaired
    assert run_fsck(app).clean
    assert client.get("/apps/zaakafhandelcomponent/releases/1.4.0/logo").headers["ETag"] == f'"{stored[LOGO]}"'


def test_releases_from_before_extraction_are_reported_and_repair_extracts_them(
        app: Flask, client: FlaskClient, token: str) -> None:
    stored = publish_with_images(app, client, token)
    with database(app).session() as session:
        release = session.scalars(select(Release)).one()
        release.assets, release.assets_extracted_at = [], None
        session.commit()
    for sha256 in stored.values():
        app.extensions[STORE].delete(sha256)
    report = run_fsck(app)
    assert report.unextracted == ["zaakafhandelcomponent@1.4.0"] and not report.clean
    run_fsck(app, repair=True)
    assert run_fsck(app).clean
    assert all(app.extensions[STORE].exists(sha256) for sha256 in stored.values())
