"""One error handler: problem+json for the API, HTML for the web pages."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, json, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from registry.db import is_database_full, is_database_unreachable, is_unique_violation, rollback_request_session
from registry.errors import (
    Conflict,
    DatabaseUnavailable,
    MalformedInput,
    PayloadTooLarge,
    RegistryError,
    StorageFull,
    Unavailable,
)
from registry.storage import STORAGE_FULL_MESSAGE, is_disk_full

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
DATABASE_UNREACHABLE_MESSAGE = ("The registry's database does not answer, so nothing was changed. "
                                "Try again in a minute; if it persists, tell the curators.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(RegistryError, _registry_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OSError, _os_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _unexpected)


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _render(error: RegistryError) -> Response:
    if _wants_problem():
        response = Response(json.dumps(error.problem()), status=error.status, mimetype=PROBLEM_JSON)
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="appstore"'
    else:
        response = Response(render_template("error.html", error=error), status=error.status, mimetype="text/html")
    if isinstance(error, Unavailable):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _registry_error(error: RegistryError) -> Response:
    if isinstance(error, Unavailable):  # expected in an outage: a line in the log, not a traceback
        log.warning("%s on %s %s: %s", type(error).__name__, request.method, request.path, error.__cause__ or error)
    return _render(error)


def _too_large(_error: RequestEntityTooLarge) -> Response:
    from flask import current_app

    limit = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    return _render(PayloadTooLarge(f"The request is larger than {limit} MiB; leave out what the app does not need.",
                                   page_code="upload.too-large", page_data={"limit": limit}))


def _http_error(error: HTTPException) -> Response:
    if error.code == 400:  # the framework could not read the request (e.g. a broken multipart body)
        return _render(MalformedInput(error.description or "The request could not be read; send it again."))
    generic = RegistryError(error.description or error.name)
    generic.status = error.code or 500
    generic.title = error.name
    generic.slug = error.name.lower().replace(" ", "-")
    response = _render(generic)
    if error.code == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def _os_error(error: OSError) -> Response:
    if is_disk_full(error):  # a write outside the store's own guard: the database file, the instance
        log.error("storage full on %s %s: %s", request.method, request.path, error)
        return _render(StorageFull(STORAGE_FULL_MESSAGE))
    return _unexpected(error)


def _database_error(error: DBAPIError) -> Response:
    """A database that does not answer is a 503; a full one is a 507; a unique constraint
    that a concurrent request won is a 409 (services that expect the race say more);
    anything else, a 500."""
    if is_database_unreachable(error):
        log.warning("database unreachable on %s %s: %s", request.method, request.path, error.orig)
        # The error page must not ask the lost database who is signed in (web.auth).
        g.setdefault("current_user", None)
        return _render(DatabaseUnavailable(DATABASE_UNREACHABLE_MESSAGE))
    rollback_request_session()
    if is_database_full(error):
        log.error("database full on %s %s: %s", request.method, request.path, error.orig)
        return _render(StorageFull(STORAGE_FULL_MESSAGE))
    if is_unique_violation(error):
        log.warning("unique constraint on %s %s: %s", request.method, request.path, error.orig)
        return _render(Conflict("Someone changed this at the same moment. Look again, then retry if still needed."))
    return _unexpected(error)


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    generic = RegistryError("Something went wrong on our side. Try again; if it persists, tell the curators.")
    generic.status, generic.title, generic.slug = 500, "Internal server error", "internal-error"
    return _render(generic)
