"""A registry whose artifacts live in a real S3 server (SeaweedFS): downloads of open content by
a short-lived address in the store, commercial content always through the registry, ranges
fetched as ranges, and ``fsck`` (with ``--repair``) from the command line."""

from __future__ import annotations

import hashlib
import io
import secrets
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from werkzeug.serving import make_server

from registry.cli import main
from registry.db import database
from registry.extensions import STORE
from registry.s3_store import S3Store
from sdk.client import RegistryClient
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.e2e.server import HOST
from tests.registry.commercial import PACKAGE as COMMERCIAL_PACKAGE
from tests.registry.commercial import open_market
from tests.registry.content_support import package_with_content, package_with_svg_logo
from tests.registry.seaweedfs import BUCKET
from tests.registry.stores import unwrapped
from tests.registry.test_publish_api import publish

PACKAGE_URL = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package"
WEB_PACKAGE_URL = "/apps/zaakafhandelcomponent/releases/1.4.0/package"
DISPOSITION = "attachment; filename=zaakafhandelcomponent-1.4.0.tar.gz"


@pytest.fixture
def s3_url(seaweedfs: str, tmp_path: Path) -> str:
    """A prefix of this test's own in the session's bucket."""
    return f"s3://{BUCKET}/{tmp_path.name}-{secrets.token_hex(4)}"


@pytest.fixture
def s3_app(tmp_path: Path, sqlite_schema_url: str, s3_url: str, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """A registry on S3; ``@pytest.mark.parametrize("s3_app", [...], indirect=True)`` gives settings."""
    application = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True, STORAGE_URL=s3_url,
                           **getattr(request, "param", {}))
    yield application
    database(application).dispose()


PRESIGNED = {"DOWNLOAD_REDIRECT": "presigned", "DOWNLOAD_URL_SECONDS": 300}
presigning = pytest.mark.parametrize("s3_app", [PRESIGNED], indirect=True, ids=["presigned"])


def published(app: Flask, archive: bytes | None = None) -> bytes:
    archive = archive or factories.package()
    assert publish(app.test_client(), add_organisation(app, "dimpact"), archive).status_code == 201
    return archive


def fetch(address: str) -> tuple[bytes, Any]:
    """What a plain HTTP client, without any credentials, gets from ``address``."""
    with urllib.request.urlopen(address, timeout=30) as answer:
        return answer.read(), answer.headers


@presigning
def test_open_content_is_a_redirect_to_a_short_lived_address_with_the_exact_bytes(s3_app: Flask) -> None:
    archive = published(s3_app)
    client = s3_app.test_client()
    for url in (PACKAGE_URL, WEB_PACKAGE_URL):  # the API and the page's link decide alike
        moved = client.get(url)
        assert moved.status_code == 307, (url, moved.status_code)
        assert moved.headers["ETag"] == f'"{hashlib.sha256(archive).hexdigest()}"'
        assert moved.headers["Cache-Control"] == "private, max-age=150"  # never outlives the address
        address = moved.headers["Location"]
        assert parse_qs(urlsplit(address).query)["X-Amz-Expires"] == ["300"]
        body, headers = fetch(address)
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(archive).hexdigest()
        assert headers["Content-Type"] == "application/gzip"
        assert headers["Content-Disposition"] == DISPOSITION


@presigning
def test_head_and_not_modified_are_answered_by_the_registry(s3_app: Flask) -> None:
    archive = published(s3_app)
    client = s3_app.test_client()
    head = client.head(PACKAGE_URL)  # an address signed for GET would refuse a HEAD
    assert head.status_code == 200 and head.content_length == len(archive) and "Location" not in head.headers
    etag = head.headers["ETag"]
    assert client.get(PACKAGE_URL, headers={"If-None-Match": etag}).status_code == 304


@presigning
def test_a_release_image_redirects_too(s3_app: Flask) -> None:
    published(s3_app, package_with_content(factories.manifest()))
    moved = s3_app.test_client().get("/apps/zaakafhandelcomponent/releases/1.4.0/logo")
    assert moved.status_code == 307
    body, headers = fetch(moved.headers["Location"])
    assert body.startswith(b"\x89PNG") and headers["Content-Type"] == "image/png"


@presigning
def test_an_svg_image_is_sent_by_the_registry_with_its_policy(s3_app: Flask) -> None:
    published(s3_app, package_with_svg_logo())
    response = s3_app.test_client().get("/apps/zaakafhandelcomponent/releases/1.4.0/logo")
    assert response.status_code == 200 and "sandbox" in response.headers["Content-Security-Policy"]


@presigning
def test_a_commercial_package_is_never_given_an_address(s3_app: Flask) -> None:
    market = open_market(s3_app)
    for role in ("entitled", "vendor"):
        response = market.call(role, "GET", COMMERCIAL_PACKAGE)
        assert response.status_code == 200 and "Location" not in response.headers, role
        assert response.data == market.archive
    log = market.call("vendor", "GET", "/api/v1/apps/acme-zaken/downloads").json
    assert log["total"] == 2  # both sent by the registry, so both logged
    assert market.call("unentitled", "GET", COMMERCIAL_PACKAGE).status_code == 403


@presigning
def test_the_appstore_command_follows_the_redirect_over_http(s3_app: Flask, tmp_path: Path) -> None:
    package = tmp_path / "zaakafhandelcomponent-1.4.0.tar.gz"
    package.write_bytes(factories.package())
    server = make_server(HOST, 0, s3_app, threaded=True)  # this app on a real socket, for the real client
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = RegistryClient(f"http://{HOST}:{server.server_port}", add_organisation(s3_app, "dimpact"))
        client.publish(package)
        saved = client.download("zaakafhandelcomponent", "1.4.0", tmp_path / "saved.tar.gz")
    finally:
        server.shutdown()
        thread.join(timeout=30)
    assert saved.read_bytes() == package.read_bytes()


def test_a_range_is_fetched_from_s3_as_a_range(s3_app: Flask) -> None:
    archive = published(s3_app)
    asked: list[str | None] = []
    store = unwrapped(s3_app.extensions[STORE])
    assert isinstance(store, S3Store)
    store.client.meta.events.register("before-send.s3.GetObject",
                                      lambda request, **_: asked.append(request.headers.get("Range")))
    client = s3_app.test_client()
    part = client.get(PACKAGE_URL, headers={"Range": "bytes=10-99"})
    assert (part.status_code, part.data) == (206, archive[10:100])
    tail = client.get(PACKAGE_URL, headers={"Range": "bytes=-16"})
    assert (tail.status_code, tail.data) == (206, archive[-16:])
    whole = client.get(PACKAGE_URL)
    assert (whole.status_code, whole.data) == (200, archive)
    assert client.head(PACKAGE_URL).status_code == 200  # a HEAD fetches no bytes at all
    assert asked == [b"bytes=10-99", f"bytes={len(archive) - 16}-{len(archive) - 1}".encode(), None]


def test_fsck_and_repair_from_the_command_line_against_s3(s3_app: Flask, s3_url: str) -> None:
    first = published(s3_app)
    second = factories.package(factories.manifest(version="1.5.0"))
    assert publish(s3_app.test_client(), add_organisation(s3_app, "dimpact"), second).status_code == 201
    store = s3_app.extensions[STORE]
    orphan = store.write(io.BytesIO(b"left behind by a crash")).key
    missing = hashlib.sha256(second).hexdigest()
    store.delete(missing)
    environment = {"APPSTORE_DATA_DIR": s3_app.config["DATA_DIR"], "APPSTORE_STORAGE_URL": s3_url,
                   "APPSTORE_DATABASE_URL": s3_app.config["DATABASE_URL"], "APPSTORE_LOAD_INSTALLED_PLUGINS": ""}
    checked = CliRunner().invoke(main, ["fsck"], env=environment)
    assert checked.exit_code == 1, checked.output
    assert f"orphaned file: {orphan}" in checked.output
    assert f"missing file: zaakafhandelcomponent@1.5.0 {missing}" in checked.output
    repaired = CliRunner().invoke(main, ["fsck", "--repair"], env=environment)
    assert repaired.exit_code == 1, repaired.output  # the missing package stays: only its publisher has it
    assert f"repaired: {orphan}" in repaired.output
    assert not store.exists(orphan) and store.exists(hashlib.sha256(first).hexdigest())
    again = CliRunner().invoke(main, ["fsck"], env=environment)
    assert "orphaned file" not in again.output
    assert f"missing file: zaakafhandelcomponent@1.5.0 {missing}" in again.output
