"""A package is served from the store's stream with what HTTP caches and download tools rely
on: Content-Length, a strong ETag, Last-Modified, 304 (not logged as a download), byte ranges."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish

PACKAGE_URL = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package"


@pytest.fixture
def archive(sqlite_app: Flask) -> bytes:
    data = factories.package()
    assert publish(sqlite_app.test_client(), add_organisation(sqlite_app, "dimpact"), data).status_code == 201
    return data


@pytest.fixture
def client(sqlite_app: Flask) -> FlaskClient:
    return sqlite_app.test_client()


def test_a_download_has_its_length_validators_and_file_name(client: FlaskClient, archive: bytes) -> None:
    response = client.get(PACKAGE_URL)
    assert response.status_code == 200 and response.data == archive
    assert response.content_length == len(archive)
    assert response.headers["ETag"] == f'"{hashlib.sha256(archive).hexdigest()}"'
    assert response.last_modified is not None
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Disposition"] == "attachment; filename=zaakafhandelcomponent-1.4.0.tar.gz"
    head = client.head(PACKAGE_URL)
    assert head.status_code == 200 and head.data == b"" and head.content_length == len(archive)


def test_if_modified_since_answers_304(client: FlaskClient, archive: bytes) -> None:
    last_modified = client.get(PACKAGE_URL).headers["Last-Modified"]
    assert client.get(PACKAGE_URL, headers={"If-Modified-Since": last_modified}).status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(PACKAGE_URL, headers={"If-Modified-Since": older}).status_code == 200


def test_a_range_is_served_from_the_stream(client: FlaskClient, archive: bytes) -> None:
    part = client.get(PACKAGE_URL, headers={"Range": "bytes=10-99"})
    assert part.status_code == 206
    assert part.data == archive[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(archive)}"
    tail = client.get(PACKAGE_URL, headers={"Range": "bytes=-16"})
    assert tail.status_code == 206 and tail.data == archive[-16:]


def test_a_range_of_another_version_of_the_file_is_the_whole_file(client: FlaskClient, archive: bytes) -> None:
    etag = client.get(PACKAGE_URL).headers["ETag"]
    same = client.get(PACKAGE_URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert same.status_code == 206 and same.data == archive[:10]
    other = client.get(PACKAGE_URL, headers={"Range": "bytes=0-9", "If-Range": '"another"'})
    assert other.status_code == 200 and other.data == archive


def test_a_range_past_the_end_is_416(client: FlaskClient, archive: bytes) -> None:
    response = client.get(PACKAGE_URL, headers={"Range": f"bytes={len(archive) + 10}-"})
    assert response.status_code == 416
