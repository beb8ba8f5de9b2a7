"""Slow and stalled clients against the real server: others are still answered, the slow are cut off.

The server runs with short deadlines (2 seconds) so that cut-offs happen within
the test; every wait here is bounded far above them, so a loaded machine does
not make the tests flake.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from tests import factories
from tests.e2e.server import HOST, RegistryServer, running, wait_until
from tests.e2e.slow_clients import SlowCrowd, upload_start

pytestmark = pytest.mark.e2e

DEADLINE = 2  # seconds: header timeout, body pause and upload grace of the server under test
PATIENCE = 30.0  # seconds: how long a test waits for something the server does within DEADLINE + 1
TIMEOUT = 30


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    server = RegistryServer(tmp_path_factory.mktemp("slow") / "data", environment={
        "APPSTORE_SERVE_HEADER_TIMEOUT": str(DEADLINE),
        "APPSTORE_SERVE_BODY_TIMEOUT": str(DEADLINE),
        "APPSTORE_SERVE_UPLOAD_GRACE": str(DEADLINE),
    })
    server.setup("dimpact")
    with running(server):
        yield server


def read_response(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by the socket timeout)."""
    sock.settimeout(PATIENCE)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def problem(response: bytes) -> dict:
    head, _, body = response.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower(), head
    return json.loads(body)


def test_reads_and_publishes_are_answered_while_seventy_clients_trickle(registry: RegistryServer) -> None:
    with SlowCrowd(registry.port, headers=50, uploads=20, token=registry.token) as crowd:
        time.sleep(0.5)  # let the crowd take its sockets before anyone else asks
        for _ in range(20):
            assert requests.get(f"{registry.api}/apps", timeout=TIMEOUT).status_code == 200
        archive = factories.package(factories.manifest(id="during-slowloris", version="1.0.0"))
        published = requests.post(f"{registry.api}/releases", files={"package": ("package.tar.gz", archive)},
                                  headers={"Authorization": f"Bearer {registry.token}"}, timeout=TIMEOUT)
        assert published.status_code == 201, published.text
        assert requests.get(f"{registry.api}/apps/during-slowloris", timeout=TIMEOUT).status_code == 200
        assert crowd.open_count() > 0  # the crowd was there all along: it reconnects what is cut off


def test_trickling_headers_and_too_slow_uploads_are_cut_off(registry: RegistryServer) -> None:
    with SlowCrowd(registry.port, headers=10, uploads=5, token=registry.token, reconnect=False) as crowd:
        wait_until(lambda: not crowd.open_count(), PATIENCE, interval=0.2)
        assert crowd.cut_off_count("header") == 10
        assert crowd.cut_off_count("upload") == 5
    # Still trickling when cut off: none was let go before its deadline.
    assert min(crowd.cut_off["header"] + crowd.cut_off["upload"]) >= DEADLINE


def test_stalled_upload_is_answered_408_and_closed(registry: RegistryServer) -> None:
    with socket.create_connection((HOST, registry.port), timeout=PATIENCE) as sock:
        sock.sendall(upload_start(registry.token) + b"a few bytes, then nothing")
        response = read_response(sock)  # returns only because the server closes the connection
    assert response.startswith(b"HTTP/1.1 408 "), response[:200]
    assert problem(response)["status"] == 408
    assert "request body" in problem(response)["detail"]


def test_headers_that_never_end_are_answered_408(registry: RegistryServer) -> None:
    with socket.create_connection((HOST, registry.port), timeout=PATIENCE) as sock:
        sock.sendall(b"GET /api/v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 408 "), response[:200]
    assert "headers" in problem(response)["detail"]


def test_idle_connection_is_closed(registry: RegistryServer) -> None:
    with socket.create_connection((HOST, registry.port), timeout=PATIENCE) as sock:
        assert read_response(sock) == b""


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_oversized_upload_gets_the_apps_413_without_being_read(registry: RegistryServer, framing: str) -> None:
    length = b"Content-Length: 999999999" if framing == "content-length" else b"Transfer-Encoding: chunked"
    head = (b"POST /api/v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            + length + b"\r\nAuthorization: Bearer " + registry.token.encode() + b"\r\n\r\n")
    chunk = b"x" * 65536
    body = (chunk if framing == "content-length" else b"10000\r\n" + chunk + b"\r\n") * 400  # 25 MiB, over 20
    with socket.create_connection((HOST, registry.port), timeout=PATIENCE) as sock:
        try:
            sock.sendall(head + body)
        except OSError:
            pass  # the server stopped reading and closed: its answer waits in our receive buffer
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
    assert problem(response)["status"] == 413


def test_oversized_upload_that_asks_first_gets_413_instead_of_continue(registry: RegistryServer) -> None:
    head = (b"POST /api/v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 999999999\r\nExpect: 100-continue\r\nAuthorization: Bearer "
            + registry.token.encode() + b"\r\n\r\n")
    with socket.create_connection((HOST, registry.port), timeout=PATIENCE) as sock:
        sock.sendall(head)  # and nothing more: a client that asked waits for the answer
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
