"""What API views share: the caller, the services, the input read through its model, the answer."""

from __future__ import annotations

from typing import TypeVar, cast

import pluggy
from flask import Response, current_app, request
from pydantic import BaseModel

from registry.api.models.base import ApiModel
from registry.db import request_session
from registry.errors import InvalidInput, Unauthorized
from registry.extensions import PLUGINS, STORE
from registry.osv import OsvModel
from registry.service_factories import publish_service as publish_service_of
from registry.services.publishing import PublishService
from registry.services.tokens import Caller, TokenService
from registry.storage import ArtifactStore
from registry.validation import BODY, parsed
from sdk.problems import InvalidParam

Model = TypeVar("Model", bound=BaseModel)


def caller() -> Caller:
    """The organisation behind the request's bearer token; 401 without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(
            "Send an API token as `Authorization: Bearer <token>`; "
            "an organisation's administrator creates one with `appstore-registry token create`."
        )
    return TokenService(request_session()).authenticate(secret.strip())


def json_body(model: type[Model]) -> Model:
    """The request's JSON body as ``model``; a 400 naming every problem otherwise."""
    data = request.get_json(silent=True)
    if data is None:
        reason = ("Send the body as JSON with Content-Type: application/json." if request.get_data(cache=True)
                  else "Send a JSON object; the OpenAPI document has an example.")
        raise InvalidInput([InvalidParam(BODY, "json" if request.data else "required", reason)])
    return parsed(model, data)


def query(model: type[Model]) -> Model:
    """The query parameters as ``model`` (empty ones left out); a 400 naming every problem otherwise."""
    given = {name: value for name, value in request.args.items() if value != ""}
    return parsed(model, given, context={"page_size_max": setting("PAGE_SIZE_MAX")})


def answer(model: ApiModel | OsvModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``model`` as the JSON answer."""
    response = cast(Response, current_app.json.response(model.to_json()))  # typed as werkzeug's base class
    response.status_code = status
    response.headers.update(headers or {})
    return response


def setting(name: str):  # type: ignore[no-untyped-def]
    return current_app.config[name]


def publish_service() -> PublishService:
    return publish_service_of(current_app, request_session())


def store() -> ArtifactStore:
    return current_app.extensions[STORE]


def plugins() -> pluggy.PluginManager:
    return current_app.extensions[PLUGINS]
