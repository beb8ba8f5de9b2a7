"""The JSON API under /api/v1 (Dutch API Design Rules: nouns, camelCase, API-Version header)."""

from __future__ import annotations

from flask import Blueprint, Response

API_VERSION = "1.0.0"

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.after_request
def _api_version(response: Response) -> Response:
    response.headers["API-Version"] = API_VERSION
    return response


from registry.api import apps, openapi, profiles, releases  # noqa: E402,F401  (routes register on import)
from registry.api import organisations, vendors  # noqa: E402,F401  (commercial modules, verification)
from registry.api import environments, plans  # noqa: E402,F401  (municipal installs)
