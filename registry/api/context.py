"""What API views share: the caller, the services, query parameters."""

from __future__ import annotations

import pluggy
from flask import current_app, request

from registry.db import request_session
from registry.errors import RegistryError, Unauthorized
from registry.extensions import PLUGINS, STORE
from registry.service_factories import publish_service as publish_service_of
from registry.services.publishing import PublishService
from registry.services.tokens import Caller, TokenService
from registry.storage import ArtifactStore


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


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RegistryError(f"`{name}` must be a whole number from {low} to {high}.") from None
    if not low <= value <= high:
        raise RegistryError(f"`{name}` must be a whole number from {low} to {high}.")
    return value


def setting(name: str):  # type: ignore[no-untyped-def]
    return current_app.config[name]


def publish_service() -> PublishService:
    return publish_service_of(current_app, request_session())


def store() -> ArtifactStore:
    return current_app.extensions[STORE]


def plugins() -> pluggy.PluginManager:
    return current_app.extensions[PLUGINS]
