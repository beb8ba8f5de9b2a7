"""Install plans, bundles, installed apps, their history and updates, per environment."""

from __future__ import annotations

from flask import Response, request

from registry.api import api
from registry.api.context import answer, caller, json_body, store
from registry.api.models.inputs import InstallationInput, PlanInput
from registry.api.models.installs import (
    Bundle,
    Installation,
    InstallationEvent,
    InstallationEventList,
    InstallationList,
    Plan,
    Update,
    UpdateList,
)
from registry.api.spec import operation
from registry.db import request_session
from registry.errors import NotFound
from registry.models import Environment
from registry.request_guard import row_id
from registry.services.bundles import BundleService
from registry.services.environments import EnvironmentService, own_organisation
from registry.services.installations import InstallationService
from registry.services.planning import PlanService
from registry.services.tokens import Caller
from registry.services.updates import UpdateService
from sdk.text import shown

PREFIX = "/organisations/<org>/environments/<env>"
OWN_ENVIRONMENT = {403: "The token belongs to another organisation.", 404: "No such organisation or environment."}


def _environment(org: str, env: str) -> tuple[Environment, Caller]:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    return EnvironmentService(request_session()).get(organisation, env), who


def _plan_id(raw: str | int) -> int:
    plan_id = row_id(raw)
    if plan_id is None:
        raise NotFound(f"There is no plan `{shown(str(raw))}`; plan ids are whole numbers.")
    return plan_id


@api.post(f"{PREFIX}/plans")
@operation("createPlan", tag="installs", auth="bearer", body=PlanInput,
           summary="Plan installing or upgrading an app: releases in dependency order, or why not.",
           answers={201: ("The plan; `status` says whether it can be applied.", Plan)},
           problems={**OWN_ENVIRONMENT, 404: "No such organisation, environment or app."})
def create_plan(org: str, env: str) -> Response:
    environment, who = _environment(org, env)
    record = PlanService(request_session(), store()).plan(environment, json_body(PlanInput).request(), who)
    body = Plan.of(record)
    return answer(body, 201, {"Location": body.links["self"]})


@api.get(f"{PREFIX}/plans/<plan_id>")
@operation("getPlan", tag="installs", auth="bearer", summary="A plan as it was made.",
           answers={200: ("The plan as made.", Plan)}, problems={**OWN_ENVIRONMENT, 404: "No such plan."})
def get_plan(org: str, env: str, plan_id: str) -> Response:
    environment, _ = _environment(org, env)
    return answer(Plan.of(PlanService(request_session()).get(environment, _plan_id(plan_id))))


@api.get(f"{PREFIX}/plans/<plan_id>/bundle")
@operation("getBundle", tag="installs", auth="bearer",
           summary="A ready plan's deploy/ files rendered with the environment's config, per app in order. "
                   "Every release is authorised again: a revoked entitlement to a commercial module is a 403 with "
                   "`code` `content.needs-entitlement` and the `app`.",
           answers={200: ("The bundle.", Bundle)},
           problems={403: "The token belongs to another organisation, or an entitlement to a commercial module in "
                          "the plan was revoked.", 404: "No such plan.",
                     409: "The plan is not ready, or config values are missing."})
def get_bundle(org: str, env: str, plan_id: str) -> Response:
    environment, who = _environment(org, env)
    record = PlanService(request_session()).get(environment, _plan_id(plan_id))
    items = BundleService(request_session(), store()).bundle(environment, record, who, method=request.method)
    # An environment's own, and maybe commercial.
    return answer(Bundle.of(record, items), headers={"Cache-Control": "private, no-cache"})


@api.get(f"{PREFIX}/installations")
@operation("listInstallations", tag="installs", auth="bearer", summary="The apps installed in an environment now.",
           answers={200: ("The apps installed now.", InstallationList)}, problems=OWN_ENVIRONMENT)
def list_installations(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = InstallationService(request_session()).installed(environment)
    return answer(InstallationList(items=[Installation.of(i) for i in items], total=len(items)))


@api.post(f"{PREFIX}/installations")
@operation("recordInstallation", tag="installs", auth="bearer", body=InstallationInput,
           summary="Record an applied plan, or one release, as installed.",
           answers={201: ("The changes recorded.", InstallationEventList)},
           problems={**OWN_ENVIRONMENT, 404: "No such environment, plan or release.",
                     409: "The plan is not ready, or the environment changed."})
def record_installation(org: str, env: str) -> Response:
    environment, who = _environment(org, env)
    asked = json_body(InstallationInput)
    service = InstallationService(request_session())
    if asked.plan is not None:
        plan = PlanService(request_session()).get(environment, _plan_id(asked.plan))
        events = service.record_plan(environment, plan, who)
    else:
        events = [service.record_release(environment, asked.app or "", asked.version or "", who)]
    return answer(InstallationEventList(items=[InstallationEvent.of(e) for e in events], total=len(events)), 201)


@api.delete(f"{PREFIX}/installations/<app_id>")
@operation("removeInstallation", tag="installs", auth="bearer", summary="Record that an app was removed.",
           answers={204: ("Recorded.", None)},
           problems={**OWN_ENVIRONMENT, 404: "No such environment, or the app is not installed there."})
def remove_installation(org: str, env: str, app_id: str) -> tuple[str, int]:
    environment, who = _environment(org, env)
    InstallationService(request_session()).remove(environment, app_id, who)
    return "", 204


@api.get(f"{PREFIX}/history")
@operation("listHistory", tag="installs", auth="bearer", summary="Every change to an environment, oldest first.",
           answers={200: ("Every change, oldest first.", InstallationEventList)}, problems=OWN_ENVIRONMENT)
def list_history(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = InstallationService(request_session()).history(environment)
    return answer(InstallationEventList(items=[InstallationEvent.of(e) for e in items], total=len(items)))


@api.get(f"{PREFIX}/updates")
@operation("listUpdates", tag="installs", auth="bearer",
           summary="Newer releases (patch, minor, major) that run on the profile; yanked installs.",
           answers={200: ("One entry per installed app.", UpdateList)}, problems=OWN_ENVIRONMENT)
def list_updates(org: str, env: str) -> Response:
    environment, _ = _environment(org, env)
    items = UpdateService(request_session()).updates(environment)
    return answer(UpdateList(items=[Update.of(u) for u in items], total=len(items),
                             needs_attention=sum(1 for u in items if u.needs_attention)))
