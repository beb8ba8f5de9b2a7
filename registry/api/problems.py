"""One error handler: problem+json for the API, HTML for the web pages."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from registry.errors import PayloadTooLarge, RegistryError

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(RegistryError, _registry_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _render(error: RegistryError) -> Response:
    if _wants_problem():
        response = Response(json.dumps(error.problem()), status=error.status, mimetype=PROBLEM_JSON)
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="appstore"'
        return response
    html = render_template("error.html", error=error)
    return Response(html, status=error.status, mimetype="text/html")


def _registry_error(error: RegistryError) -> Response:
    return _render(error)


def _too_large(_error: RequestEntityTooLarge) -> Response:
    from flask import current_app

    limit = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    return _render(PayloadTooLarge(f"The request is larger than {limit} MiB; leave out what the app does not need."))


def _http_error(error: HTTPException) -> Response:
    generic = RegistryError(error.description or error.name)
    generic.status = error.code or 500
    generic.title = error.name
    generic.slug = error.name.lower().replace(" ", "-")
    response = _render(generic)
    if error.code == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    generic = RegistryError("Something went wrong on our side. Try again; if it persists, tell the curators.")
    generic.status, generic.title, generic.slug = 500, "Internal server error", "internal-error"
    return _render(generic)
