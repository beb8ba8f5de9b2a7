"""The API client's network behaviour: retries, backoff, streaming, error mapping.

The real registry cannot be made to answer 503 or drop connections on cue, so
these tests use a small scripted HTTP server on 127.0.0.1; the contract as a
whole is tested against the real registry in test_registry_e2e.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sdk.builder import build_package
from sdk.client import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RegistryClient,
    RegistryError,
    RegistryUnreachable,
    RetryPolicy,
    StorageFull,
    Unauthorized,
    VerificationFailed,
)
from sdk.problems import KINDS, PROBLEM_TYPE_BASE
from tests.sdk.helpers import write_project

Reply = tuple[int, dict[str, Any] | None]


class ScriptedServer:
    """Answers requests with a list of scripted replies, and records the requests."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                script.requests.append({"method": self.command, "path": self.path,
                                        "headers": dict(self.headers), "body": body})
                status, payload = script.replies.pop(0) if script.replies else (200, {})
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                kind = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_package(write_project(tmp_path / "app")).path


def client_for(url: str, sleeps: list[float], token: str | None = "gas_test") -> RegistryClient:
    return RegistryClient(url, token, retry=RetryPolicy(attempts=4, initial_delay=0.5, max_delay=8),
                          sleep=sleeps.append)


def release_json(sha256: str) -> dict[str, Any]:
    return {"app": "zaakafhandelcomponent", "version": "1.4.0", "status": "published", "sha256": sha256,
            "findings": [], "links": {"self": "http://registry.example/api/v1/apps/zaakafhandelcomponent/releases/1.4.0"}}


def test_publish_retries_503_with_exponential_backoff(server: ScriptedServer, package: Path) -> None:
    sha = hashlib.sha256(package.read_bytes()).hexdigest()
    server.replies = [(503, {"title": "busy"}), (502, None), (201, release_json(sha))]
    sleeps: list[float] = []
    progress: list[tuple[int, int]] = []
    result = client_for(server.url, sleeps).publish(package, progress=lambda s, t: progress.append((s, t)))
    assert not result.already_published
    assert result.url.endswith("/releases/1.4.0")
    assert sleeps == [0.5, 1.0]
    assert len(server.requests) == 3
    # Every attempt sends the whole file again, as a streamed multipart body of known length.
    for sent in server.requests:
        assert sent["headers"]["Authorization"] == "Bearer gas_test"
        assert sent["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
        assert int(sent["headers"]["Content-Length"]) == len(sent["body"])
        assert package.read_bytes() in sent["body"]
        assert b'name="package"; filename="zaakafhandelcomponent-1.4.0.tar.gz"' in sent["body"]
    assert progress[-1][0] == progress[-1][1]


def test_unreachable_registry_gives_up_after_bounded_retries(package: Path) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(RegistryUnreachable) as caught:
        client_for(f"http://127.0.0.1:{port}", sleeps).search("zaak")
    assert sleeps == [0.5, 1.0, 2.0]
    assert "Cannot reach the registry" in caught.value.message and "tried 4 times" in caught.value.message
    assert "--registry" in caught.value.hint


def test_backoff_is_capped() -> None:
    assert list(RetryPolicy(attempts=6, initial_delay=1, max_delay=4).delays()) == [1, 2, 4, 4, 4]


def test_persistent_504_is_reported_after_retries(server: ScriptedServer) -> None:
    server.replies = [(504, {"title": "Gateway Timeout"})] * 4
    with pytest.raises(RegistryError, match=r"failed \(504"):
        client_for(server.url, []).app("open-zaak")
    assert len(server.requests) == 4


def test_client_errors_are_not_retried(server: ScriptedServer) -> None:
    server.replies = [(401, {"title": "Unauthorized", "status": 401, "detail": "Unknown token."})]
    with pytest.raises(Unauthorized, match="did not accept the token"):
        client_for(server.url, []).yank("open-zaak", "1.0.0", "broken")
    assert len(server.requests) == 1


def test_identical_artifact_on_409_is_already_published(server: ScriptedServer, package: Path) -> None:
    sha = hashlib.sha256(package.read_bytes()).hexdigest()
    server.replies = [(409, {"title": "Conflict", "status": 409, "sha256": sha}), (200, release_json(sha))]
    result = client_for(server.url, []).publish(package)
    assert result.already_published
    assert server.requests[1]["path"] == "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0"


def test_409_without_sha256_asks_for_the_release(server: ScriptedServer, package: Path) -> None:
    server.replies = [(409, {"title": "Conflict", "status": 409}), (200, release_json("0" * 64))]
    with pytest.raises(RegistryError, match="1.4.0 of zaakafhandelcomponent already exists"):
        client_for(server.url, []).publish(package)


def test_422_carries_every_finding(server: ScriptedServer, package: Path) -> None:
    findings = [{"code": "manifest.invalid-layer", "severity": "error", "message": "Fix the layer.",
                 "key": "layer", "plugin": "manifest-schema"},
                {"code": "licence.invalid", "severity": "error", "message": "Fix it.", "key": "license"}]
    server.replies = [(422, {"type": "about:blank", "title": "Unprocessable", "status": 422,
                             "detail": "Verification failed.", "findings": findings})]
    with pytest.raises(VerificationFailed) as caught:
        client_for(server.url, []).publish(package)
    assert [f.code for f in caught.value.findings] == ["manifest.invalid-layer", "licence.invalid"]


@pytest.mark.parametrize(("slug", "status", "expected"), [
    ("invalid-params", 400, InvalidInput), ("unauthorized", 401, Unauthorized), ("forbidden", 403, Forbidden),
    ("not-found", 404, NotFound), ("conflict", 409, Conflict), ("storage-full", 507, StorageFull),
])
def test_the_problem_type_names_the_class_the_client_raises(server: ScriptedServer, slug: str, status: int,
                                                              expected: type) -> None:
    kind = next(k for k in KINDS if k.slug == slug)
    assert (kind.status, kind.type) == (status, PROBLEM_TYPE_BASE + slug)  # the server's vocabulary
    params = [{"name": "pricing.model", "code": "enum", "reason": "Choose one."}] if status == 400 else None
    server.replies = [(status, {"type": kind.type, "title": kind.title, "status": status, "detail": "No.",
                                **({"invalidParams": params} if params else {})})]
    with pytest.raises(expected) as caught:
        client_for(server.url, []).yank("open-zaak", "1.0.0", "broken")
    assert caught.value.kind is kind and caught.value.status == status
    if params:
        assert [(p.name, p.code) for p in caught.value.invalid_params] == [("pricing.model", "enum")]
        assert "- pricing.model (enum): Choose one." in caught.value.hint


def test_publish_without_token_fails_before_any_request(server: ScriptedServer, package: Path) -> None:
    with pytest.raises(Unauthorized, match="No token"):
        client_for(server.url, [], token=None).publish(package)
    assert server.requests == []


def test_search_sends_only_given_filters(server: ScriptedServer) -> None:
    server.replies = [(200, {"items": [], "total": 0, "page": 2, "pageSize": 5})]
    client_for(server.url, []).search("zaak", layer="process", page=2, page_size=5)
    assert server.requests[0]["path"] == "/api/v1/apps?q=zaak&layer=process&page=2&pageSize=5"


def test_ids_cannot_change_the_path(server: ScriptedServer) -> None:
    server.replies = [(200, {})]
    client_for(server.url, []).release("../admin", "1.0.0")
    assert server.requests[0]["path"] == "/api/v1/apps/..%2Fadmin/releases/1.0.0"


def test_non_json_answer_is_one_clear_error(server: ScriptedServer) -> None:
    server.replies = [(200, None)]
    with pytest.raises(RegistryError, match="something other than JSON"):
        client_for(server.url, []).app("open-zaak")


def test_a_bundle_refused_for_a_revoked_entitlement_names_the_app_and_the_vendor(server: ScriptedServer) -> None:
    from sdk.installs import EnvironmentRef, InstallClient

    detail = ("`acme-zaken` 1.4.0 is a commercial module that needs an entitlement from acme: "
              "ask `acme` to entitle `utrecht` (PUT /api/v1/apps/acme-zaken/entitlements/utrecht).")
    server.replies = [(403, {"title": "Not allowed", "status": 403, "detail": detail,
                             "code": "content.needs-entitlement", "app": "acme-zaken"})]
    client = InstallClient(server.url, "gas_test", retry=RetryPolicy(attempts=1))
    with pytest.raises(Forbidden) as refused:
        client.bundle(EnvironmentRef.parse("utrecht/test"), 12)
    assert str(refused.value).startswith(detail)
    assert "acme-zaken" in refused.value.hint and "environment" not in str(refused.value)
    assert server.requests[0]["path"] == "/api/v1/organisations/utrecht/environments/test/plans/12/bundle"
