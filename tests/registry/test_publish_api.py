"""Publishing over the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.extensions import STORE
from registry.models import AuditEvent
from tests import factories
from tests.conftest import add_organisation

PUBLISH = "/api/v1/releases"


def publish(client: FlaskClient, token: str | None, archive: bytes, filename: str = "app.tar.gz"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(PUBLISH, data={"package": (io.BytesIO(archive), filename)},
                       headers=headers, content_type="multipart/form-data")


def stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["DATA_DIR"]) / "artifacts"
    return [p for p in root.rglob("*") if p.is_file() and "locks" not in p.parts]


def test_publish_answers_201_with_the_release(client: FlaskClient, token: str) -> None:
    archive = factories.package()
    response = publish(client, token, archive)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["app"] == "zaakafhandelcomponent"
    assert body["version"] == "1.4.0"
    assert body["status"] == "published"
    assert body["sha256"] == hashlib.sha256(archive).hexdigest()
    assert body["size"] == len(archive)
    assert response.headers["Location"].endswith("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0")
    assert response.headers["API-Version"]


def test_warnings_come_back_with_the_release(client: FlaskClient, token: str) -> None:
    files = factories.package_files()
    del files["deploy/deployment.yaml"]
    response = publish(client, token, factories.tar_gz(files))
    assert response.status_code == 201
    assert [f["code"] for f in response.json["findings"] if f["severity"] == "warning"] == ["package.no-deploy"]


def test_download_gives_identical_bytes_with_digest_and_etag(client: FlaskClient, token: str) -> None:
    archive = factories.package()
    publish(client, token, archive)
    url = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package"
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == archive
    sha256 = hashlib.sha256(archive).hexdigest()
    assert response.headers["ETag"] == f'"{sha256}"'
    import base64

    assert response.headers["Digest"] == "sha-256=" + base64.b64encode(bytes.fromhex(sha256)).decode()
    assert client.get(url, headers={"If-None-Match": f'"{sha256}"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_same_version_again_is_409_and_names_the_existing_artifact(client: FlaskClient, token: str) -> None:
    archive = factories.package()
    assert publish(client, token, archive).status_code == 201
    again = publish(client, token, archive)
    assert again.status_code == 409
    assert again.content_type == "application/problem+json"
    assert again.json["sha256"] == hashlib.sha256(archive).hexdigest()
    different = publish(client, token, factories.package(factories.manifest(summary="Anders")))
    assert different.status_code == 409


def test_yanked_version_is_never_published_again(client: FlaskClient, token: str) -> None:
    publish(client, token, factories.package())
    client.post("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/yank",
                json={"reason": "Security fix in 1.4.1"}, headers={"Authorization": f"Bearer {token}"})
    assert publish(client, token, factories.package(factories.manifest(summary="Opnieuw"))).status_code == 409
    build_metadata = factories.manifest(version="1.4.0+build.7")
    assert publish(client, token, factories.package(build_metadata)).status_code == 409


def test_manifest_with_five_mistakes_names_all_five_keys(client: FlaskClient, token: str) -> None:
    bad = factories.manifest(id="Zaak App", version="1.4", summary="x" * 151, layer="presentation",
                             license="Not-A-Licence-1.0")
    response = publish(client, token, factories.package(bad))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert {"type", "title", "status", "detail", "findings"} <= problem.keys()
    error_keys = {f["key"] for f in problem["findings"] if f["severity"] == "error"}
    assert {"id", "version", "summary", "layer", "license"} <= error_keys
    assert all(f["plugin"] for f in problem["findings"])


def test_unsafe_archives_are_refused_and_leave_no_file(app: Flask, client: FlaskClient, token: str) -> None:
    files = factories.package_files()
    cases = {
        "archive.path-traversal": factories.tar_gz({**files, "../evil.yaml": b"x"}),
        "archive.absolute-path": factories.tar_gz({**files, "/etc/evil": b"x"}),
        "archive.link": factories.tar_gz(files, links={"deploy/link.yaml": "/etc/passwd"}),
        "archive.too-large": factories.gzip_bomb(unpacked_mib=60),
        "archive.compression-ratio": factories.gzip_bomb(unpacked_mib=8),
        "archive.not-gzip": b"PK\x03\x04 not a tarball",
    }
    for code, archive in cases.items():
        response = publish(client, token, archive)
        assert response.status_code == 422, code
        assert code in [f["code"] for f in response.json["findings"]], code
    assert stored_files(app) == []
    assert client.get("/api/v1/apps").json["total"] == 0


def test_missing_and_wrong_tokens_are_401(app: Flask, client: FlaskClient) -> None:
    archive = factories.package()
    assert publish(client, None, archive).status_code == 401
    assert publish(client, "gas_unknown", archive).status_code == 401
    assert publish(client, "not-a-token", archive).status_code == 401
    assert stored_files(app) == []


def test_revoked_token_is_refused_at_once(app: Flask, client: FlaskClient) -> None:
    from registry.services.tokens import TokenService

    secret = add_organisation(app, "dimpact")
    with database(app).session() as session:
        token_id = TokenService(session).authenticate(secret).token_id
        TokenService(session).revoke(token_id)
        session.commit()
    assert publish(client, secret, factories.package()).status_code == 401


def test_another_organisations_token_is_403(client: FlaskClient, app: Flask, token: str) -> None:
    assert publish(client, token, factories.package()).status_code == 201
    other = add_organisation(app, "wigo4it")
    response = publish(client, other, factories.package(factories.manifest(version="1.5.0")))
    assert response.status_code == 403
    codes = {f["code"] for f in response.json["findings"]}
    assert "ownership.publisher-mismatch" in codes
    # Claiming someone else's id with one's own publisher name is refused too.
    stolen = factories.manifest(version="2.0.0", publisher="wigo4it")
    response = publish(client, other, factories.package(stolen))
    assert response.status_code == 403
    assert "ownership.app-owned-elsewhere" in {f["code"] for f in response.json["findings"]}


def test_too_large_upload_is_413(tmp_path: Path, sqlite_url: str) -> None:
    from tests.conftest import make_app

    app = make_app(tmp_path / "data", sqlite_url, MAX_UPLOAD_BYTES=10_000)
    secret = add_organisation(app, "dimpact")
    archive = factories.package(**{"deploy__blob.bin": __import__("os").urandom(20_000)})
    response = publish(app.test_client(), secret, archive)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert stored_files(app) == []


def test_publish_and_yank_are_in_the_audit_log(app: Flask, client: FlaskClient, token: str) -> None:
    publish(client, token, factories.package())
    client.post("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/yank",
                json={"reason": "Lek in 1.4.0"}, headers={"Authorization": f"Bearer {token}"})
    with database(app).session() as session:
        actions = [(e.action, e.subject) for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert ("release.publish", "zaakafhandelcomponent@1.4.0") in actions
    assert ("release.yank", "zaakafhandelcomponent@1.4.0") in actions
    assert actions.index(("release.publish", "zaakafhandelcomponent@1.4.0")) < actions.index(
        ("release.yank", "zaakafhandelcomponent@1.4.0"))


def test_store_holds_exactly_the_published_artifact(app: Flask, client: FlaskClient, token: str) -> None:
    archive = factories.package()
    publish(client, token, archive)
    store = app.extensions[STORE]
    sha256 = hashlib.sha256(archive).hexdigest()
    assert store.exists(sha256)
    assert [p.name for p in stored_files(app)] == [sha256]


def test_a_package_the_store_lost_is_a_clear_500_and_logged(
        app: Flask, client: FlaskClient, token: str, caplog: pytest.LogCaptureFixture) -> None:
    archive = factories.package()
    publish(client, token, archive)
    sha256 = hashlib.sha256(archive).hexdigest()
    app.extensions[STORE].delete(sha256)
    response = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "missing on the registry's side" in response.json["detail"]
    assert any(sha256 in r.getMessage() and "fsck" in r.getMessage() for r in caplog.records)
