"""An object store or database that does not answer is a 503 with ``Retry-After`` that says
so, never a 500; a publish leaves nothing behind, and what needs neither goes on.

The dead parts are real: an S3 client and a PostgreSQL URL aimed at a port where
nothing listens (refused at once). The fault tests (tests/e2e/test_faults.py) stop
the real SeaweedFS and PostgreSQL under load.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from registry.db import EXTENSION, Database, database, is_database_unreachable
from registry.errors import StorageUnavailable
from registry.extensions import LEFTOVERS, STORE
from registry.models import App, Artifact, Organisation, Release
from registry.s3_store import S3Store, s3_client
from registry.services.leftovers import Leftovers
from tests import factories
from tests.conftest import add_organisation
from tests.e2e.server import HOST, free_port


def dead_endpoint() -> str:
    """An address where nothing listens: every connection is refused."""
    return f"http://{HOST}:{free_port()}"


def store_at(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> S3Store:
    """An S3 store whose client the standard variables point at ``endpoint``."""
    for name, value in (("AWS_ENDPOINT_URL_S3", endpoint), ("AWS_ACCESS_KEY_ID", "test"),
                        ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    return S3Store("artifacts", client=s3_client())


@pytest.fixture
def dead_store(monkeypatch: pytest.MonkeyPatch) -> S3Store:
    return store_at(monkeypatch, dead_endpoint())


def publish(client: FlaskClient, token: str, archive: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/releases", data={"package": (io.BytesIO(archive), "app.tar.gz")},
                       headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")


def test_an_unreachable_store_raises_storage_unavailable_and_is_not_ready(dead_store: S3Store) -> None:
    with pytest.raises(StorageUnavailable, match="does not answer"):
        list(dead_store.keys())  # a paginator's calls too
    assert dead_store.ready() is False


class Overloaded(BaseHTTPRequestHandler):
    """A store (or the gateway before it) that is there but answers 503 to everything."""

    def _unavailable(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _unavailable

    def log_message(self, *_: object) -> None:
        pass


def test_a_store_that_answers_503_is_unavailable_too(monkeypatch: pytest.MonkeyPatch) -> None:
    server = ThreadingHTTPServer((HOST, 0), Overloaded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = store_at(monkeypatch, f"http://{HOST}:{server.server_address[1]}")
        with pytest.raises(StorageUnavailable):
            store.exists("0" * 64)
    finally:
        server.shutdown()
        server.server_close()


def test_without_the_store_a_publish_is_a_503_and_leaves_no_app_nor_release(
        sqlite_app: Flask, dead_store: S3Store, monkeypatch: pytest.MonkeyPatch) -> None:
    token = add_organisation(sqlite_app, "dimpact")
    client = sqlite_app.test_client()
    assert publish(client, token, factories.package(factories.manifest(version="1.0.0"))).status_code == 201
    sqlite_app.extensions[STORE] = dead_store
    monkeypatch.setattr(sqlite_app.extensions[LEFTOVERS], "store", dead_store)

    archive = factories.package(factories.manifest(id="nieuwe-app", version="1.0.0"))
    refused = publish(client, token, archive)
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
    # The store may have kept the object although its answer was lost: it is taken back once it answers.
    assert hashlib.sha256(archive).hexdigest() in sqlite_app.extensions[LEFTOVERS].waiting()
    assert refused.mimetype == "application/problem+json"
    assert refused.json["type"].endswith("/unavailable") and "Try again" in refused.json["detail"]
    with database(sqlite_app).session() as session:  # the new id's claim was given back
        assert session.scalar(select(func.count()).select_from(App)) == 1
        assert session.scalar(select(func.count()).select_from(Release)) == 1

    download = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.0.0/package")
    assert download.status_code == 503 and download.headers["Retry-After"]
    for metadata in ("/api/v1/apps", "/api/v1/apps?q=zaak", "/api/v1/apps/zaakafhandelcomponent",
                     "/apps/zaakafhandelcomponent"):
        assert client.get(metadata).status_code == 200, metadata
    assert client.get("/readyz").json["checks"]["storage"] == "failing"


@pytest.fixture
def dead_database(app: Flask) -> Iterator[Flask]:
    """``app`` whose database server is gone (connections refused), put back after."""
    working = database(app)
    lost = Database(f"postgresql+psycopg://appstore@{HOST}:{free_port()}/gone")
    app.extensions[EXTENSION] = lost
    yield app
    lost.dispose()
    app.extensions[EXTENSION] = working


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_without_the_database_requests_are_a_503_not_a_500(dead_database: Flask) -> None:
    client = dead_database.test_client()
    api = client.get("/api/v1/apps")
    assert api.status_code == 503 and api.headers["Retry-After"]
    assert api.json["type"].endswith("/unavailable") and "database" in api.json["detail"]
    page = client.get("/apps", headers={"Accept-Language": "nl"})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "Tijdelijk niet beschikbaar" in page.get_data(as_text=True)


def test_only_a_lost_server_counts_as_an_unreachable_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    refused = create_engine(f"postgresql+psycopg://appstore@{HOST}:{free_port()}/gone")
    with pytest.raises(DBAPIError) as lost:
        refused.connect()
    assert is_database_unreachable(lost.value)
    broken = create_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    with pytest.raises(DBAPIError) as wrong, broken.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert not is_database_unreachable(wrong.value)  # a mistake in SQL is no outage


def test_a_blob_a_failed_publish_left_while_the_store_was_away_goes_once_it_answers(
        sqlite_app: Flask, seaweedfs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    live = S3Store("artifacts", "leftovers", client=s3_client())
    released, left = (live.write(io.BytesIO(content)).key for content in (b"a released package", b"a failed one"))
    with database(sqlite_app).session() as session:  # the first blob belongs to a release by now
        organisation = Organisation(slug="leftovers", name="Leftovers", kind="municipality")
        session.add(organisation)
        session.flush()
        app = App(slug="kept", organisation_id=organisation.id, name="Kept", summary="", license="EUPL-1.2")
        session.add_all([app, Artifact(sha256=released, size=18, filename="kept-1.0.0.tar.gz")])
        session.flush()
        session.add(Release(app_id=app.id, version="1.0.0", status="published", manifest={}, license="EUPL-1.2",
                            license_kind="open", artifact_sha256=released, published_by=organisation.id))
    away = S3Store("artifacts", "leftovers", client=store_at(monkeypatch, dead_endpoint()).client)
    leftovers = Leftovers(away, database(sqlite_app).sessions)
    leftovers.remove_later(left)
    leftovers.remove_later(released)

    leftovers.remove_waiting()  # the store does not answer: both wait
    assert leftovers.waiting() == sorted([left, released])
    leftovers.store = live  # it answers again
    leftovers.remove_waiting()
    assert leftovers.waiting() == []
    assert not live.exists(left)
    assert live.exists(released)  # a release refers to it: never taken back
