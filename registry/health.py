"""Probes for a load balancer or Kubernetes: liveness and readiness.

``/healthz`` says only that the process answers: restarting it helps when it
does not. ``/readyz`` also asks the database and the artifact store, so that a
registry which cannot serve gets no traffic, without being restarted for it.
Neither needs a session, a token or the database to be well for ``/healthz``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from registry.db import database
from registry.extensions import STORE

log = logging.getLogger(__name__)
health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz() -> Response:
    return _no_store(jsonify({"status": "ok"}))


@health.get("/readyz")
def readyz() -> Response:
    checks = {"database": _database_answers(), "storage": current_app.extensions[STORE].ready()}
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()}}
    response = _no_store(jsonify(body))
    if not ready:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return response


def _database_answers() -> bool:
    try:
        with database(current_app).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("readiness: the database does not answer: %s", error)
        return False
    return True


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
