"""Backup and restore: a registry with releases (one yanked), images, a commercial listing and
environments is backed up, restored into an empty database and store, found fsck-clean, and
every release downloads with its sha256; on SQLite, PostgreSQL, SQLite to PostgreSQL, and S3."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import Connection, Table, func, select

from registry.cli import main
from registry.db import database
from registry.extensions import STORE
from registry.models import Release
from registry.services.backup import BackupRefused, creating, restore_backup, write_backup
from registry.services.backup.layout import LISTING, MANIFEST, blob_file, head_revision
from registry.services.backup.rows import backed_up_tables, write_rows
from registry.services.fsck import fsck
from tests import factories
from tests.conftest import add_organisation, copy_of, make_app
from tests.postgres import PostgresServer
from tests.registry.commercial import MODULE, listing_body, open_market
from tests.registry.content_support import package_with_content
from tests.registry.installs_support import PROFILE, Municipality, bearer, yank
from tests.registry.seaweedfs import BUCKET
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

APP_ID = "zaakafhandelcomponent"


@dataclass
class Registry:
    """What a test needs to read the registry back: tokens that may download everything."""

    dimpact: str
    vendor: str


def populate(app: Flask) -> Registry:
    """Releases with images, a yanked one, a commercial module with listing and entitlement,
    a platform profile and two environments, one promoted from the other."""
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    market = open_market(app)
    assert market.call("vendor", "PUT", f"/api/v1/apps/{MODULE}/listing", json=listing_body()).status_code == 201
    client = app.test_client()
    dimpact = add_organisation(app, "dimpact")
    assert publish(client, dimpact, package_with_content(factories.manifest())).status_code == 201
    assert publish(client, dimpact, factories.package(factories.manifest(version="1.5.0"))).status_code == 201
    yank(client, dimpact, APP_ID, "1.5.0", "Verkeerde migratie; gebruik 1.4.0.")
    utrecht = Municipality(client, "utrecht", str(market.tokens["entitled"]))
    utrecht.environment("test")
    utrecht.environment("productie", "production", promoteFrom="test")
    return Registry(dimpact, str(market.tokens["vendor"]))


def publish_one(app: Flask) -> None:
    assert publish(app.test_client(), add_organisation(app, "dimpact"), factories.package()).status_code == 201


def downloads(app: Flask, registry: Registry) -> dict[str, str]:
    """The sha256 of every release's package as the API hands it out, by ``app@version``."""
    with database(app).session() as session:
        releases = [(r.app.slug, r.version, r.commercial) for r in session.scalars(select(Release))]
    client, found = app.test_client(), {}
    for slug, version, commercial in releases:
        headers = bearer(registry.vendor if commercial else registry.dimpact)
        response = client.get(f"/api/v1/apps/{slug}/releases/{version}/package", headers=headers)
        assert response.status_code == 200, (slug, version, response.status_code)
        found[f"{slug}@{version}"] = hashlib.sha256(response.data).hexdigest()
    return found


def searched(app: Flask, query: str) -> list[str]:
    found = app.test_client().get("/api/v1/apps", query_string={"q": query}).json
    return [item["id"] for item in found["items"]]


def row_counts(app: Flask) -> dict[str, int]:
    with database(app).session() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in backed_up_tables()}


@pytest.fixture
def target_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A second, empty database without a schema (restore creates it), of the same kind as ``app``'s."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return str(request.getfixturevalue("database_url"))


@pytest.fixture
def target_app(tmp_path: Path, target_url: str) -> Iterator[Flask]:
    application = make_app(tmp_path / "restored", target_url, with_schema=True)
    yield application
    database(application).dispose()


def back_up(app: Flask, folder: Path) -> Path:
    write_backup(database(app), app.extensions[STORE], folder)
    return folder


def restore(app: Flask, folder: Path):  # type: ignore[no-untyped-def]
    return restore_backup(database(app), app.extensions[STORE], folder)


def assert_same_registry(source: Flask, target: Flask, registry: Registry) -> None:
    with database(target).session() as session:
        assert fsck(session, target.extensions[STORE]).clean
    assert row_counts(target) == row_counts(source)
    expected = downloads(source, registry)
    assert len(expected) == 3 and downloads(target, registry) == expected


def test_restored_registry_is_whole_and_goes_on(app: Flask, target_app: Flask, tmp_path: Path) -> None:
    registry = populate(app)
    folder = back_up(app, tmp_path / "backup")
    summary = restore(target_app, folder)
    assert summary.releases_checked == 3 and summary.notes == []
    assert_same_registry(app, target_app, registry)
    client = target_app.test_client()
    assert searched(target_app, "zaakafhandel") == searched(app, "zaakafhandel") == [APP_ID, MODULE]
    # New rows get fresh ids: PostgreSQL's sequences were moved past the restored rows.
    assert publish(client, registry.dimpact, factories.package(factories.manifest(version="2.0.0"))).status_code == 201
    promoted = client.get("/api/v1/organisations/utrecht/environments/productie",
                          headers=bearer(add_organisation(target_app, "utrecht", "municipality"))).json
    assert promoted["promoteFrom"] == "test"


def test_publishes_during_a_backup_leave_it_consistent(app: Flask, target_app: Flask, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A release published after the artifacts were read and before the releases: without one
    snapshot the backup would hold a release whose artifact row and blob it lacks."""
    registry = populate(app)
    expected = downloads(app, registry)
    client = app.test_client()

    def rows_then_publish(connection: Connection, table: Table, target: IO[str]) -> int:
        count = write_rows(connection, table, target)
        if table.name == "artifact":
            late = factories.package(factories.manifest(version="1.6.0"))
            assert publish(client, registry.dimpact, late).status_code == 201
        return count

    monkeypatch.setattr(creating, "write_rows", rows_then_publish)
    restore(target_app, back_up(app, tmp_path / "backup"))
    assert downloads(target_app, registry) == expected
    assert f"{APP_ID}@1.6.0" in downloads(app, registry)


@pytest.mark.postgresql
def test_sqlite_backup_restores_into_an_empty_postgresql(sqlite_app: Flask, postgres_server: PostgresServer,
                                                         tmp_path: Path) -> None:
    registry = populate(sqlite_app)
    folder = back_up(sqlite_app, tmp_path / "backup")
    name = postgres_server.create_database()  # without a schema: restore makes it
    target = make_app(tmp_path / "restored", postgres_server.url(name), with_schema=True)
    try:
        restore(target, folder)
        assert_same_registry(sqlite_app, target, registry)
    finally:
        database(target).dispose()
        postgres_server.drop_database(name)


def test_s3_store_backs_up_and_restores_into_an_empty_prefix(seaweedfs: str, tmp_path: Path,
                                                            sqlite_template: Path) -> None:
    source, target = (make_app(tmp_path / which, copy_of(sqlite_template, tmp_path / f"{which}.db"), with_schema=True,
                               STORAGE_URL=f"s3://{BUCKET}/{which}-{secrets.token_hex(4)}")
                      for which in ("source", "restored"))
    registry = populate(source)
    restore(target, back_up(source, tmp_path / "backup"))
    assert_same_registry(source, target, registry)


def test_corrupted_blob_in_the_backup_is_refused_and_nothing_restored(sqlite_app: Flask, tmp_path: Path,
                                                                      sqlite_template: Path) -> None:
    publish_one(sqlite_app)
    folder = back_up(sqlite_app, tmp_path / "backup")
    key = json.loads((folder / LISTING).read_text().splitlines()[-1])["sha256"]
    blob = blob_file(folder, key)
    blob.write_bytes(blob.read_bytes()[:-1] + b"!")
    target = make_app(tmp_path / "restored", copy_of(sqlite_template, tmp_path / "restored.db"), with_schema=True)
    with pytest.raises(BackupRefused, match=f"blob {key} in the backup is altered"):
        restore(target, folder)
    assert list(target.extensions[STORE].keys()) == []
    assert set(row_counts(target).values()) == {0}


def test_altered_table_file_is_refused(sqlite_app: Flask, tmp_path: Path, sqlite_template: Path) -> None:
    publish_one(sqlite_app)
    folder = back_up(sqlite_app, tmp_path / "backup")
    with (folder / "database" / "release.jsonl").open("a") as rows:
        rows.write("{}\n")
    target = make_app(tmp_path / "restored", copy_of(sqlite_template, tmp_path / "restored.db"), with_schema=True)
    with pytest.raises(BackupRefused, match="database/release.jsonl in the backup is missing, incomplete or altered"):
        restore(target, folder)


def test_backup_of_another_schema_revision_is_refused(sqlite_app: Flask, tmp_path: Path) -> None:
    publish_one(sqlite_app)
    folder = back_up(sqlite_app, tmp_path / "backup")
    manifest = json.loads((folder / MANIFEST).read_text())
    (folder / MANIFEST).write_text(json.dumps({**manifest, "schemaRevision": "0009"}))
    target = make_app(tmp_path / "restored", f"sqlite:///{tmp_path / 'restored.db'}", with_schema=True)
    with pytest.raises(BackupRefused, match="backup is of schema revision 0009; this version restores revision"):
        restore(target, folder)


def test_backup_stops_at_a_blob_missing_from_the_store_and_leaves_nothing(sqlite_app: Flask, tmp_path: Path) -> None:
    publish_one(sqlite_app)
    store = sqlite_app.extensions[STORE]
    store.delete(next(iter(store.keys())))
    with pytest.raises(BackupRefused, match="not in the store; run `appstore-registry fsck`"):
        back_up(sqlite_app, tmp_path / "backup")
    assert not [p for p in tmp_path.iterdir() if "backup" in p.name]


def test_non_empty_database_or_store_is_refused(sqlite_app: Flask, tmp_path: Path, sqlite_template: Path) -> None:
    publish_one(sqlite_app)
    folder = back_up(sqlite_app, tmp_path / "backup")
    with pytest.raises(BackupRefused, match="artifact store already holds blobs"):
        restore(sqlite_app, folder)
    busy = make_app(tmp_path / "other", copy_of(sqlite_template, tmp_path / "other.db"), with_schema=True)
    add_organisation(busy, "dimpact")
    with pytest.raises(BackupRefused, match=r"database already holds data \(table \w+ has rows\)"):
        restore(busy, folder)
    assert list(busy.extensions[STORE].keys()) == []


def test_backup_never_writes_into_a_folder_that_holds_files(sqlite_app: Flask, tmp_path: Path) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("mine")
    with pytest.raises(BackupRefused, match="not an empty folder"):
        back_up(sqlite_app, tmp_path / "backup")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []


def assert_manifest_matches(folder: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["formatVersion"] == 1 and manifest["schemaRevision"] == head_revision("sqlite://")
    assert manifest["counts"]["tables"]["release"] == 3 and manifest["counts"]["artifacts"] == 6
    for path, entry in manifest["files"].items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == entry["sha256"]
    for line in (folder / LISTING).read_text().splitlines():
        key = json.loads(line)["sha256"]
        assert hashlib.sha256(blob_file(folder, key).read_bytes()).hexdigest() == key
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def admin(env: dict[str, str], *args: str) -> Result:
    """``appstore-registry ARGS`` with settings from ``env``, as a person runs it (in this process)."""
    return CliRunner().invoke(main, list(args), env=env)


def test_commands_back_up_and_restore_a_registry(sqlite_app: Flask, tmp_path: Path) -> None:
    populate(sqlite_app)
    source = {"APPSTORE_DATA_DIR": sqlite_app.config["DATA_DIR"],
              "APPSTORE_DATABASE_URL": sqlite_app.config["DATABASE_URL"]}
    backed_up = admin(source, "backup", str(tmp_path / "backup"))
    assert backed_up.exit_code == 0, backed_up.output
    assert "6 artifacts" in backed_up.output
    assert_manifest_matches(tmp_path / "backup")
    restored_dir = {"APPSTORE_DATA_DIR": str(tmp_path / "restored"), "APPSTORE_DATABASE_URL": ""}
    restored = admin(restored_dir, "restore", str(tmp_path / "backup"))
    assert restored.exit_code == 0, restored.output
    assert "fsck checked 3 releases" in restored.output
    assert admin(restored_dir, "fsck").output.strip().endswith("clean")
    again = admin(restored_dir, "restore", str(tmp_path / "backup"))
    assert again.exit_code == 1 and "restore into an empty one" in again.output


def test_the_signed_metadata_is_backed_up_and_served_after_a_restore(sqlite_app: Flask, tmp_path: Path,
                                                                     sqlite_template: Path) -> None:
    """Clients walk every root version: a restore that lost one would leave them stranded."""
    from tests.registry.test_signed_metadata import tuf_init

    tuf_init(sqlite_app)
    populate(sqlite_app)
    target = make_app(tmp_path / "restored", copy_of(sqlite_template, tmp_path / "target.db"), with_schema=True)
    try:
        restore(target, back_up(sqlite_app, tmp_path / "backup"))
        with database(target).session() as session:
            assert fsck(session, target.extensions[STORE]).clean
        for name in ("1.root.json", "timestamp.json"):
            served = target.test_client().get(f"/api/v1/tuf/{name}")
            assert served.status_code == 200 and served.data == sqlite_app.test_client().get(f"/api/v1/tuf/{name}").data
    finally:
        database(target).dispose()
