"""The registry's signed TUF metadata: keys, init, a target per release, re-signing, rotation, races."""

from __future__ import annotations

import json
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from securesystemslib.signer import Signer
from sqlalchemy import select
from tuf.api.metadata import Metadata, Root, TargetFile, Targets
from tuf.ngclient import Updater

from registry.cli import main
from registry.db import database
from registry.extensions import CLOCK, SIGNING, STORE
from registry.models import SignedMetadata, utcnow
from registry.services.fsck import fsck
from registry.signing import BIN_COUNT
from registry.signing.repository import SignedRepository, Target
from registry.signing.updates import Signing
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.registry.seaweedfs import BUCKET
from tests.registry.test_publish_api import publish

TUF = "/api/v1/tuf"


def admin(app: Flask, *args: str) -> str:
    """``appstore-registry ARGS`` on this app."""
    result = CliRunner().invoke(main, list(args), obj={"app": app})
    assert result.exit_code == 0, result.output
    return result.output


def tuf_init(app: Flask) -> None:
    admin(app, "tuf", "init")


def document(client: FlaskClient, name: str) -> Metadata:
    response = client.get(f"{TUF}/{name}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return Metadata.from_bytes(response.get_data())


def current_snapshot(client: FlaskClient) -> dict[str, int]:
    """The version of each document the newest snapshot names, by role."""
    snapshot_version = document(client, "timestamp.json").signed.snapshot_meta.version
    meta = document(client, f"{snapshot_version}.snapshot.json").signed.meta
    return {name.removesuffix(".json"): file.version for name, file in meta.items()}


def signed_target(client: FlaskClient, path: str) -> TargetFile | None:
    """What the newest signed metadata lists for ``path``, through the bin ``targets`` delegates it to."""
    versions = current_snapshot(client)
    targets = document(client, f"{versions['targets']}.targets.json")
    role = targets.signed.delegations.succinct_roles.get_role_for_target(path)
    return document(client, f"{versions[role]}.{role}.json").signed.targets.get(path)


def test_a_registry_without_tuf_init_says_how_to_start(client: FlaskClient, token: str) -> None:
    assert publish(client, token, factories.package()).status_code == 201  # publishing does not need it
    response = client.get(f"{TUF}/timestamp.json")
    assert response.status_code == 404
    assert "appstore-registry tuf init" in response.get_json()["detail"]


def test_init_makes_private_keys_and_lists_releases_published_before(app: Flask, client: FlaskClient,
                                                                     token: str) -> None:
    archive = factories.package()
    assert publish(client, token, archive).status_code == 201
    tuf_init(app)
    keys = Path(app.config["TUF_KEY_DIR"])
    for role in ("root", "targets", "snapshot", "timestamp"):
        assert stat.S_IMODE((keys / f"{role}.pem").stat().st_mode) == 0o600
    root = document(client, "1.root.json")
    root.verify_delegate("root", root)  # signed by its own root key
    listed = signed_target(client, "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.4.0.tar.gz")
    assert listed is not None
    listed.verify_length_and_hashes(archive)
    assert document(client, "1.targets.json").signed.targets == {}  # it delegates every target to a bin
    assert len(current_snapshot(client)) == 1 + BIN_COUNT
    assert client.get(f"{TUF}/2.root.json").status_code == 404
    assert client.get(f"{TUF}/../root.json").status_code == 404


def test_whether_the_registry_signs_is_asked_until_it_does(app: Flask, client: FlaskClient, token: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    signing: Signing = app.extensions[SIGNING]
    asked: list[int] = []
    connect = type(signing.database.engine).connect
    monkeypatch.setattr(type(signing.database.engine), "connect",
                        lambda engine: asked.append(1) or connect(engine))
    assert not signing.signs() and not signing.signs()
    assert len(asked) == 2  # no root yet: asked every time, as `tuf init` may come at any moment
    tuf_init(app)
    before = len(asked)
    assert signing.signs() and signing.signs()
    assert len(asked) == before + 1  # root metadata is never removed: once seen, not asked again
    assert publish(client, token, factories.package(factories.manifest(version="1.5.0"))).status_code == 201
    assert signed_target(client, "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.5.0.tar.gz") is not None


def test_a_publish_signs_one_bin_and_a_yank_marks_it_there(app: Flask, client: FlaskClient, token: str) -> None:
    tuf_init(app)
    before = current_snapshot(client)
    timestamp = document(client, "timestamp.json").signed.version
    newer = factories.package(factories.manifest(version="1.5.0"))
    assert publish(client, token, newer).status_code == 201
    assert document(client, "timestamp.json").signed.version == timestamp + 1
    path = "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.5.0.tar.gz"
    listed = signed_target(client, path)
    assert listed is not None
    listed.verify_length_and_hashes(newer)
    own_bin = document(client, "1.targets.json").signed.delegations.succinct_roles.get_role_for_target(path)
    after = current_snapshot(client)
    assert {role for role in after if after[role] != before[role]} == {own_bin}  # targets is not signed again
    assert after[own_bin] == before[own_bin] + 1

    yanked = client.post("/api/v1/apps/zaakafhandelcomponent/releases/1.5.0/yank", json={"reason": "broken"},
                         headers={"Authorization": f"Bearer {token}"})
    assert yanked.status_code == 200
    marked = current_snapshot(client)
    assert {role for role in marked if marked[role] != after[role]} == {own_bin}
    listed = signed_target(client, path)
    assert listed is not None and listed.custom == {"yanked": True}  # still downloadable, so still signed
    listed.verify_length_and_hashes(newer)


@pytest.mark.parametrize("lost", ["targets", "snapshot"])  # before the bin is signed, or between it and snapshot
def test_refresh_lists_a_release_whose_signing_failed(app: Flask, client: FlaskClient, token: str, lost: str) -> None:
    tuf_init(app)
    keys = Path(app.config["TUF_KEY_DIR"])
    before = current_snapshot(client)
    (keys / f"{lost}.pem").rename(keys / "aside.pem")
    assert publish(client, token, factories.package()).status_code == 201  # published all the same
    path = "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.4.0.tar.gz"
    assert signed_target(client, path) is None
    assert current_snapshot(client) == before  # a bin signed without its snapshot is not kept
    (keys / "aside.pem").rename(keys / f"{lost}.pem")
    assert "Listed 1 release(s)" in admin(app, "tuf", "refresh")
    assert signed_target(client, path) is not None


def test_a_key_from_the_environment_wins_over_the_file(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    tuf_init(app)
    signing: Signing = app.extensions[SIGNING]
    pem = signing.keys.path("timestamp").read_text()
    signing.keys.path("timestamp").unlink()
    monkeypatch.setenv("APPSTORE_TUF_KEY_TIMESTAMP", pem)
    assert signing.keys.signer("timestamp").public_key.keyid in json.dumps(
        document(app.test_client(), "1.root.json").signed.to_dict())


def test_the_timestamp_is_signed_again_when_half_its_life_is_gone(app: Flask, client: FlaskClient) -> None:
    tuf_init(app)
    assert "Nothing was close to expiry" in admin(app, "tuf", "refresh")
    status = admin(app, "tuf", "status")
    assert "timestamp  version 1" in status and "KEY MISSING" not in status
    first = document(client, "timestamp.json").signed
    assert document(client, "timestamp.json").signed.version == first.version  # fresh: served as it is
    app.extensions[CLOCK] = lambda: utcnow() + timedelta(hours=13)
    later = document(client, "timestamp.json").signed
    assert later.version == first.version + 1
    assert later.expires > first.expires
    app.extensions[CLOCK] = lambda: utcnow() + timedelta(days=5)  # the snapshot is due too
    assert "snapshot" in app.extensions[SIGNING].refresh()


def test_rotating_a_key_signs_a_new_root_that_clients_follow(app: Flask, client: FlaskClient,
                                                             tmp_path: Path) -> None:
    tuf_init(app)
    for role in ("timestamp", "root"):
        admin(app, "tuf", "rotate", role)
    first, third = document(client, "1.root.json"), document(client, "3.root.json")
    second = document(client, "2.root.json")
    first.verify_delegate("root", second)
    second.verify_delegate("root", third)  # the old root key signs the new root over ...
    third.verify_delegate("root", third)  # ... and so does the new one
    assert Path(app.config["TUF_KEY_DIR"], "timestamp.pem.old").exists()
    assert isinstance(third.signed, Root)
    assert third.signed.roles["timestamp"].keyids != first.signed.roles["timestamp"].keyids
    third.verify_delegate("timestamp", document(client, "timestamp.json"))


def test_the_metadata_lives_in_an_s3_store_too(tmp_path: Path, sqlite_schema_url: str, seaweedfs: str) -> None:
    s3_app = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True,
                      STORAGE_URL=f"s3://{BUCKET}/signed-{tmp_path.name}")
    try:
        tuf_init(s3_app)
        s3_client = s3_app.test_client()
        token = add_organisation(s3_app, "dimpact")
        archive = factories.package()
        assert publish(s3_client, token, archive).status_code == 201
        listed = signed_target(s3_client, "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.4.0.tar.gz")
        assert listed is not None
        listed.verify_length_and_hashes(archive)
    finally:
        database(s3_app).dispose()


def test_fsck_counts_metadata_blobs_as_referenced(app: Flask, client: FlaskClient, token: str) -> None:
    tuf_init(app)
    assert publish(client, token, factories.package()).status_code == 201
    with database(app).session() as session:
        report = fsck(session, app.extensions[STORE])
        assert report.orphans == [] and report.missing == []
        lost = session.scalars(select(SignedMetadata).where(SignedMetadata.role == "root")).one()
        app.extensions[STORE].delete(lost.blob_sha256)
        assert fsck(session, app.extensions[STORE]).missing == [f"1.root.json {lost.blob_sha256}"]


def test_servers_signing_at_once_lose_no_target(app: Flask) -> None:
    tuf_init(app)
    signing: Signing = app.extensions[SIGNING]
    failures: list[BaseException] = []

    def add(number: int) -> None:
        try:
            target = Target(f"packages/app{number}/app{number}-1.0.0.tar.gz", number, f"{number:064x}")
            signing.update(lambda repository: repository.add_targets([target]))
        except BaseException as error:  # noqa: BLE001  # reported below
            failures.append(error)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with database(app).session() as session:
        targets = SignedRepository(session, app.extensions[STORE], signing.keys).listed_targets()
    assert {f"packages/app{n}/app{n}-1.0.0.tar.gz" for n in range(1, 5)} <= set(targets)


def ngclient(client: FlaskClient, folder: Path) -> Updater:
    """python-tuf's own client, reading the registry through the test client; pinned on first use."""
    from tuf.api.exceptions import DownloadHTTPError
    from tuf.ngclient import fetcher

    class Fetcher(fetcher.FetcherInterface):
        def _fetch(self, url: str):  # type: ignore[no-untyped-def]
            response = client.get(url.replace("http://registry", ""))
            if response.status_code != 200:
                raise DownloadHTTPError("not found", response.status_code)
            return iter([response.get_data()])

    bootstrap = None if (folder / "root.json").exists() else client.get(f"{TUF}/1.root.json").get_data()
    updater = Updater(str(folder), "http://registry/api/v1/tuf/", fetcher=Fetcher(), bootstrap=bootstrap)
    updater.refresh()
    return updater


def test_a_client_verifies_the_chain_with_ngclient(app: Flask, client: FlaskClient, token: str,
                                                  tmp_path: Path) -> None:
    """The served documents are what python-tuf's own client accepts, following targets to the bin."""
    tuf_init(app)
    assert publish(client, token, factories.package()).status_code == 201
    path = "packages/zaakafhandelcomponent/zaakafhandelcomponent-1.4.0.tar.gz"
    assert ngclient(client, tmp_path).get_targetinfo(path) is not None
    assert list(tmp_path.glob("bins-*.json"))  # the delegated bin, verified and kept
    admin(app, "tuf", "rotate", "targets")  # a new key for targets signs the bins too
    assert ngclient(client, tmp_path).get_targetinfo(path) is not None


def init_before_bins(repository: SignedRepository, root_signer: Signer) -> None:
    """Version 1 of each role as `tuf init` made them before hashed bins: targets lists every release."""
    root = Metadata(Root(expires=repository._expiry("root"), consistent_snapshot=True))
    root.signed.add_key(root_signer.public_key, "root")
    for role in ("targets", "snapshot", "timestamp"):
        root.signed.add_key(repository.keys.signer(role).public_key, role)
    repository._save(root, [root_signer])
    targets = Metadata(Targets(expires=repository._expiry("targets"),
                               targets={t.path: t.file() for t in repository.published_targets()}))
    repository._save(targets, [repository.keys.signer("targets")])
    repository._sign_snapshot_and_timestamp({"targets": 1})


def test_a_repository_made_before_bins_keeps_working_and_moves_to_them(app: Flask, client: FlaskClient,
                                                                       token: str, tmp_path: Path) -> None:
    first = factories.package()
    assert publish(client, token, first).status_code == 201
    signing: Signing = app.extensions[SIGNING]
    for role in ("targets", "snapshot", "timestamp"):
        signing.keys.create(role)
    root = signing.keys.create("root")
    signing.update(lambda repository: init_before_bins(repository, root))
    second = factories.package(factories.manifest(version="1.5.0"))
    assert publish(client, token, second).status_code == 201  # signed in targets, as before
    paths = [f"packages/zaakafhandelcomponent/zaakafhandelcomponent-{v}.tar.gz" for v in ("1.4.0", "1.5.0")]
    assert set(document(client, "2.targets.json").signed.targets) == set(paths)
    before = ngclient(client, tmp_path)  # a client that has seen the old layout ...
    assert all(before.get_targetinfo(path) is not None for path in paths)

    assert "tuf refresh` moves them to hashed bins" in admin(app, "tuf", "status")
    assert "Moved 2 target(s)" in admin(app, "tuf", "refresh")
    assert f"bins       {BIN_COUNT} hashed bins" in admin(app, "tuf", "status")
    moved = document(client, "3.targets.json").signed
    assert moved.targets == {} and moved.delegations.succinct_roles.number_of_bins == BIN_COUNT
    after = ngclient(client, tmp_path)  # ... follows the move
    for path, archive in zip(paths, (first, second), strict=True):
        listed = after.get_targetinfo(path)
        assert listed is not None
        listed.verify_length_and_hashes(archive)
    assert "Moved" not in admin(app, "tuf", "refresh")  # once
    assert publish(client, token, factories.package(factories.manifest(version="1.6.0"))).status_code == 201
    assert current_snapshot(client)["targets"] == 3  # a publish signs a bin now, not targets
    assert ngclient(client, tmp_path).get_targetinfo(paths[0].replace("1.4.0", "1.6.0")) is not None
