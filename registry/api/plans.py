"""Install plans, bundles, installed apps, their history and updates, per environment."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import install_shapes as out
from registry.api.context import caller, store
from registry.db import request_session
from registry.errors import NotFound, RegistryError
from registry.models import Environment
from registry.request_guard import row_id
from registry.services.bundles import BundleService
from registry.services.environments import EnvironmentService, own_organisation
from registry.services.installations import InstallationService
from registry.services.planning import PlanRequest, PlanService
from registry.services.tokens import Caller
from registry.services.updates import UpdateService
from sdk.text import shown

PREFIX = "/organisations/<org>/environments/<env>"


def _environment(org: str, env: str) -> tuple[Environment, Caller]:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    return EnvironmentService(request_session()).get(organisation, env), who


def _plan_id(raw: str) -> int:
    plan_id = row_id(raw)
    if plan_id is None:
        raise NotFound(f"There is no plan `{shown(raw)}`; plan ids are whole numbers.")
    return plan_id


@api.post(f"{PREFIX}/plans")
def create_plan(org: str, env: str) -> tuple[Response, int, dict[str, str]]:
    environment, who = _environment(org, env)
    plan_request = PlanRequest.from_json(request.get_json(silent=True))
    record = PlanService(request_session(), store()).plan(environment, plan_request, who)
    body = out.plan(record)
    return jsonify(body), 201, {"Location": body["links"]["self"]}


@api.get(f"{PREFIX}/plans/<plan_id>")
def get_plan(org: str, env: str, plan_id: str) -> Response:
    environment, _ = _environment(org, env)
    return jsonify(out.plan(PlanService(request_session()).get(environment, _plan_id(plan_id))))


@api.get(f"{PREFIX}/plans/<plan_id>/bundle")
def get_bundle(org: str, env: str, plan_id: str) -> Response:
    environment, who = _environment(org, env)
    record = PlanService(request_session()).get(environment, _plan_id(plan_id))
    items = BundleService(request_session(), store()).bundle(environment, record, who, method=request.method)
    response = jsonify(out.bundle(record, items))
    response.headers["Cache-Control"] = "private, no-cache"  # an environment's own, and maybe commercial
    return response


@api.get(f"{PREFIX}/installations")
def list_installations(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = InstallationService(request_session()).installed(environment)
    return jsonify({"items": [out.installation(i) for i in items], "total": len(items)})


@api.post(f"{PREFIX}/installations")
def record_installation(org: str, env: str) -> tuple[Response, int]:
    environment, who = _environment(org, env)
    body = request.get_json(silent=True)
    service = InstallationService(request_session())
    if isinstance(body, dict) and set(body) == {"plan"} and type(body["plan"]) is int:
        plan_id = row_id(body["plan"])
        if plan_id is None:
            raise NotFound(f"There is no plan {body['plan']} in this environment.")
        plan = PlanService(request_session()).get(environment, plan_id)
        events = service.record_plan(environment, plan, who)
    elif isinstance(body, dict) and set(body) == {"app", "version"} and all(
            isinstance(body[k], str) for k in body):
        events = [service.record_release(environment, body["app"], body["version"], who)]
    else:
        raise RegistryError('Send {"plan": 12} to record an applied plan, or {"app": "open-zaak", '
                            '"version": "1.4.0"} to record one release.')
    return jsonify({"items": [out.event(e) for e in events], "total": len(events)}), 201


@api.delete(f"{PREFIX}/installations/<app_id>")
def remove_installation(org: str, env: str, app_id: str) -> tuple[str, int]:
    environment, who = _environment(org, env)
    InstallationService(request_session()).remove(environment, app_id, who)
    return "", 204


@api.get(f"{PREFIX}/history")
def list_history(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = InstallationService(request_session()).history(environment)
    return jsonify({"items": [out.event(e) for e in items], "total": len(items)})


@api.get(f"{PREFIX}/updates")
def list_updates(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = UpdateService(request_session()).updates(environment)
    return jsonify({"items": [out.update(u) for u in items], "total": len(items),
                    "needsAttention": sum(1 for u in items if u.needs_attention)})
