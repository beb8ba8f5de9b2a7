"""A real HTTP receiver of webhooks on 127.0.0.1 that can go down and come back on its port,
and a registry whose allow-list lets it be called."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.models import DELIVERY_PENDING, WebhookDelivery
from registry.service_factories import webhook_courier
from sdk.webhooks import SIGNATURE_HEADER, verify
from tests.conftest import make_app
from tests.registry.installs_support import bearer

#: Quick retries, and the receiver on the loopback address allowed explicitly.
SETTINGS = {"WEBHOOK_ALLOW": "127.0.0.1/32", "WEBHOOK_BACKOFF_SECONDS": 0.01, "WEBHOOK_MAX_ATTEMPTS": 50,
            "WEBHOOK_TIMEOUT_SECONDS": 5.0}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """Records every POST; answers ``status`` (a list is used up one answer per request)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/appstore"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.answers.pop(0) if receiver.answers else 204
                if 200 <= status < 300:
                    receiver.received.append(Received(dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def verified_events(self, secret: str, tolerance: int = 300) -> list[dict[str, Any]]:
        """Every received event, after checking its signature against ``secret``."""
        for received in self.received:
            verify(secret, received.headers[SIGNATURE_HEADER], received.body, int(time.time()), tolerance)
        return [r.event for r in self.received]


def hook_app(data_dir: Path, schema_url: str, **overrides: Any) -> Flask:
    return make_app(data_dir, schema_url, with_schema=True, **{**SETTINGS, **overrides})


@contextmanager
def hooks_on(data_dir: Path, schema_url: str, **overrides: Any) -> Iterator[Flask]:
    """A registry that may call the receiver, its database closed afterwards."""
    application = hook_app(data_dir, schema_url, **overrides)
    try:
        yield application
    finally:
        database(application).dispose()


def subscribe(client: FlaskClient, org: str, token: str, url: str, events: list[str]) -> dict[str, Any]:
    response = client.post(f"/api/v1/organisations/{org}/webhooks", json={"url": url, "events": events},
                           headers=bearer(token))
    assert response.status_code == 201, response.json
    return response.json


def pending(app: Flask) -> list[WebhookDelivery]:
    with database(app).session() as session:
        return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == DELIVERY_PENDING)
                                    .order_by(WebhookDelivery.id)))


def deliver_all(app: Flask, rounds: int = 200) -> None:
    """Run the app's courier until the outbox holds nothing pending (retries wait a few ms)."""
    courier = webhook_courier(app)
    for _ in range(rounds):
        courier.deliver_due()
        if not pending(app):
            return
        time.sleep(0.02)
    raise AssertionError(f"still pending after {rounds} rounds: {[(d.id, d.last_error) for d in pending(app)]}")
