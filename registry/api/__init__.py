"""The JSON API under /api/v1 (Dutch API Design Rules: nouns, camelCase, API-Version header)."""

from __future__ import annotations

from flask import Blueprint, Response, request

API_VERSION = "1.0.0"

api = Blueprint("api", __name__, url_prefix="/api/v1")


# Headers the API Design Rules ask of every answer under the prefix, also of the
# 404 and 405 that routing gives before any API view is chosen (a blueprint's
# own after_request never sees those).
@api.after_app_request
def _design_rule_headers(response: Response) -> Response:
    if request.path != api.url_prefix and not request.path.startswith(f"{api.url_prefix}/"):
        return response
    response.headers["API-Version"] = API_VERSION
    if request.path == f"{api.url_prefix}/openapi.json":
        # Any site may read the document (API browsers, catalogues): /core/publish-openapi.
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# Routes register on import: the catalogue, commercial modules and verification, municipal installs.
from registry.api import (  # noqa: E402,F401
    advisories,
    apps,
    comparisons,
    environments,
    initiative_choices,
    initiatives,
    openapi,
    organisations,
    plans,
    profiles,
    publisher_keys,
    releases,
    tuf,
    vendors,
    webhooks,
)
