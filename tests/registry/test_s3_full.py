"""An object store without room is a 507, as a full disk is, and leaves nothing half-written.

The answers of AWS, Ceph and MinIO come from a small real HTTP server on 127.0.0.1
that speaks enough S3 for a write: it takes multipart uploads, refuses every object
with the error it is given, and records what it was asked. (SeaweedFS, which says
it with a general ``InternalError``, is filled for real in test_seaweedfs_full.py.)
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError
from flask import Flask
from sqlalchemy import func, select

from registry.db import database
from registry.errors import StorageFull
from registry.models import App
from registry.s3_settings import S3ClientSettings
from registry.storage import open_store
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.e2e.server import HOST
from tests.registry.test_publish_api import publish

#: (error code, HTTP status) as each kind of store says "no room".
NO_ROOM = [("QuotaExceeded", 403), ("EntityTooLarge", 400), ("XMinioStorageFull", 507),
           ("SomethingNewButFull", 507)]
LARGE = bytes(range(256)) * (36 * 1024 + 1)  # more than one part: a multipart upload


class FullStore(ThreadingHTTPServer):
    """Refuses every object (and every part) with ``code``; ``asked`` holds "METHOD path?query"."""

    def __init__(self, code: str, status: int) -> None:
        super().__init__((HOST, 0), Answers)
        self.code, self.status = code, status
        self.asked: list[str] = []

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FullStore

    def do_PUT(self) -> None:
        self._drain()
        self._refuse()

    def do_POST(self) -> None:
        self._drain()
        if "uploads" in parse_qs(urlsplit(self.path).query, keep_blank_values=True):
            self._xml(200, "<InitiateMultipartUploadResult><Bucket>full</Bucket><Key>k</Key>"
                           "<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>")
        else:
            self._refuse()

    def do_DELETE(self) -> None:
        self.server.asked.append(f"DELETE {self.path}")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drain(self) -> None:
        self.server.asked.append(f"{self.command} {self.path}")
        self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _refuse(self) -> None:
        self._xml(self.server.status, f"<Error><Code>{self.server.code}</Code><Message>no room</Message></Error>")

    def _xml(self, status: int, body: str) -> None:
        data = f'<?xml version="1.0" encoding="UTF-8"?>{body}'.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def full_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[FullStore]:
    """The server, as the endpoint of every S3 store; it answers ``NO_ROOM[0]`` unless a test
    names another with ``@pytest.mark.parametrize("full_store", [...], indirect=True)``."""
    server = FullStore(*getattr(request, "param", NO_ROOM[0]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name, value in (("AWS_ENDPOINT_URL_S3", server.endpoint), ("AWS_ACCESS_KEY_ID", "test"),
                        ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("full_store", NO_ROOM, indirect=True, ids=[code for code, _ in NO_ROOM])
def test_a_blob_refused_for_want_of_room_is_storage_full(full_store: FullStore) -> None:
    with pytest.raises(StorageFull):
        open_store("s3://full/blobs").write(io.BytesIO(b"a small package"))


@pytest.mark.parametrize("full_store", [("InternalError", 500)], indirect=True)
def test_an_internal_error_of_a_store_other_than_seaweedfs_is_no_full_store(full_store: FullStore) -> None:
    with pytest.raises(ClientError, match="InternalError"):  # a fault of its own, not a want of room
        open_store("s3://full/blobs", S3ClientSettings(max_attempts=1)).write(io.BytesIO(b"a small package"))


def test_a_multipart_write_refused_for_want_of_room_is_abandoned_whole(full_store: FullStore) -> None:
    with pytest.raises(StorageFull):
        open_store("s3://full/blobs").write(io.BytesIO(LARGE))
    staged = next(a.split()[1].split("?")[0] for a in full_store.asked if a.startswith("POST"))
    assert f"DELETE {staged}?uploadId=upload-1" in full_store.asked  # the upload aborted
    assert f"DELETE {staged}" in full_store.asked  # and its staging object removed


def test_a_publish_into_a_full_bucket_is_507_and_claims_nothing(full_store: FullStore, tmp_path: Path,
                                                                 sqlite_schema_url: str) -> None:
    assert_a_publish_is_507_and_claims_nothing(make_app(tmp_path / "data", sqlite_schema_url, with_schema=True,
                                                        STORAGE_URL="s3://full/blobs"))


def assert_a_publish_is_507_and_claims_nothing(app: Flask) -> None:
    """A publish into ``app``, whose store is full, answers 507 and leaves no app claimed."""
    try:
        response = publish(app.test_client(), add_organisation(app, "dimpact"), factories.package())
        assert response.status_code == 507, response.json
        assert response.json["type"].endswith("/storage-full")
        with database(app).session() as session:
            assert session.scalar(select(func.count()).select_from(App)) == 0
    finally:
        database(app).dispose()
