"""The OpenAPI 3.1 document, made from the routes and their models (registry.api.spec)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify

from registry.api import API_VERSION, api
from registry.api.spec import Answer, document, operation


def api_document(app: Flask) -> dict[str, Any]:
    """The document of ``app``'s API, made once per app."""
    made = app.extensions.get("openapi")
    if made is None:
        made = app.extensions["openapi"] = document(app, version=API_VERSION, servers=_servers(app))
    return made


def _servers(app: Flask) -> list[str]:
    public = app.config.get("PUBLIC_URL")
    return [f"{public}/api/v1", "/api/v1"] if public else ["/api/v1"]


@api.get("/openapi.json")
@operation("getOpenApi", tag="meta", summary="This document: OpenAPI 3.1, made from the implementation.",
           answers={200: Answer("This document.")})
def openapi_document() -> Response:
    return jsonify(api_document(current_app))
