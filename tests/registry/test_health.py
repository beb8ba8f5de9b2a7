"""Liveness and readiness probes, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from registry.db import database
from registry.extensions import STORE


def test_a_live_and_ready_registry_says_so(client: FlaskClient) -> None:
    live = client.get("/healthz")
    assert (live.status_code, live.json) == (200, {"status": "ok"})
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


def test_a_store_that_cannot_take_writes_is_not_ready_but_alive(app: Flask, client: FlaskClient) -> None:
    shutil.rmtree(app.extensions[STORE].staging)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["Retry-After"]
    assert ready.json["checks"] == {"database": "ok", "storage": "failing"}
    assert client.get("/healthz").status_code == 200


def test_a_database_that_does_not_answer_is_not_ready(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    db = database(app)
    working = db.engine
    db.engine = create_engine(f"sqlite:///{tmp_path}")  # a folder, not a database file: every connect fails
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json == {"status": "unavailable", "checks": {"database": "failing", "storage": "ok"}}
        assert client.get("/healthz").status_code == 200  # alive: a restart would not help
    finally:
        db.engine.dispose()
        db.engine = working
