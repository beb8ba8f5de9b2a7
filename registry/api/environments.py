"""Environments of a municipality, and its preferences: only its own token reads or changes them."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import install_shapes as out
from registry.api.context import caller
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.environments import EnvironmentService, own_organisation
from registry.services.installations import PreferenceService

ENVIRONMENT_EXAMPLE = ('{"name": "test", "stage": "test", "profile": "haven", '
                       '"config": {"storageClass": "standard"}, "promoteFrom": null}')


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RegistryError(f"Send the environment as JSON, e.g. {ENVIRONMENT_EXAMPLE}.")
    return body


@api.get("/organisations/<org>/environments")
def list_environments(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    items = EnvironmentService(request_session()).list(organisation)
    return jsonify({"items": [out.environment(e) for e in items], "total": len(items)})


@api.post("/organisations/<org>/environments")
def create_environment(org: str) -> tuple[Response, int, dict[str, str]]:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    environment = EnvironmentService(session).create(organisation, _body(), who.actor)
    body = out.environment(environment)
    return jsonify(body), 201, {"Location": body["links"]["self"]}


@api.get("/organisations/<org>/environments/<env>")
def get_environment(org: str, env: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return jsonify(out.environment(EnvironmentService(request_session()).get(organisation, env)))


@api.patch("/organisations/<org>/environments/<env>")
def update_environment(org: str, env: str) -> Response:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    environment = EnvironmentService(session).update(organisation, env, _body(), who.actor)
    return jsonify(out.environment(environment))


@api.delete("/organisations/<org>/environments/<env>")
def archive_environment(org: str, env: str) -> tuple[str, int]:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    EnvironmentService(session).archive(organisation, env, who.actor)
    return "", 204


@api.get("/organisations/<org>/settings")
def get_settings(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return jsonify(out.preferences(org, PreferenceService(request_session()).get(organisation)))


@api.put("/organisations/<org>/settings")
def put_settings(org: str) -> Response:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    preference = PreferenceService(request_session()).update(organisation, request.get_json(silent=True), who.actor)
    return jsonify(out.preferences(org, preference))
