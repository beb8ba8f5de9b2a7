"""The JSON API under /api/v1 (Dutch API Design Rules: nouns, camelCase, API-Version header)."""

from __future__ import annotations

from flask import Blueprint, Response

API_VERSION = "1.0.0"

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.after_request
def _api_version(response: Response) -> Response:
    response.headers["API-Version"] = API_VERSION
    return response


# Routes register on import: the catalogue, commercial modules and verification, municipal installs.
from registry.api import (  # noqa: E402,F401
    apps,
    environments,
    openapi,
    organisations,
    plans,
    profiles,
    releases,
    vendors,
)
