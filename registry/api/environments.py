"""Environments of a municipality, and its preferences: only its own token reads or changes them."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body
from registry.api.models.inputs import EnvironmentChange, NewEnvironment, SettingsInput
from registry.api.models.installs import Environment, EnvironmentList, OrganisationSettings
from registry.api.spec import operation
from registry.db import request_session
from registry.services.environments import EnvironmentService, own_organisation
from registry.services.installations import PreferenceService

OWN = {403: "The token belongs to another organisation.", 404: "No such organisation."}
OWN_ENVIRONMENT = {**OWN, 404: "No such organisation or environment."}
BODY_PROBLEMS = ("The body is malformed or a value is invalid (`invalidParams` names every problem), or a value "
                 "names no active profile or environment (`detail` says which).")


@api.get("/organisations/<org>/environments")
@operation("listEnvironments", tag="installs", auth="bearer", summary="The organisation's environments.",
           answers={200: ("The environments.", EnvironmentList)}, problems=OWN)
def list_environments(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    items = EnvironmentService(request_session()).list(organisation)
    return answer(EnvironmentList(items=[Environment.of(e) for e in items], total=len(items)))


@api.post("/organisations/<org>/environments")
@operation("createEnvironment", tag="installs", auth="bearer", body=NewEnvironment,
           summary="Add an environment (test, acceptance, production) on a platform profile.",
           answers={201: ("The new environment.", Environment)},
           problems={**OWN, 400: BODY_PROBLEMS, 409: "The name is taken."})
def create_environment(org: str) -> Response:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    environment = EnvironmentService(session).create(organisation, json_body(NewEnvironment).values(), who.actor)
    body = Environment.of(environment)
    return answer(body, 201, {"Location": body.links["self"]})


@api.get("/organisations/<org>/environments/<env>")
@operation("getEnvironment", tag="installs", auth="bearer", summary="One environment.",
           answers={200: ("The environment.", Environment)}, problems=OWN_ENVIRONMENT)
def get_environment(org: str, env: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return answer(Environment.of(EnvironmentService(request_session()).get(organisation, env)))


@api.patch("/organisations/<org>/environments/<env>")
@operation("updateEnvironment", tag="installs", auth="bearer", body=EnvironmentChange,
           summary="Change the fields sent; the others stay.",
           answers={200: ("The environment.", Environment)}, problems={**OWN_ENVIRONMENT, 400: BODY_PROBLEMS})
def update_environment(org: str, env: str) -> Response:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    environment = EnvironmentService(session).update(organisation, env, json_body(EnvironmentChange).values(),
                                                     who.actor)
    return answer(Environment.of(environment))


@api.delete("/organisations/<org>/environments/<env>")
@operation("archiveEnvironment", tag="installs", auth="bearer",
           summary="Archive an environment in which nothing is installed; its history stays.",
           answers={204: ("Archived.", None)},
           problems={**OWN_ENVIRONMENT, 409: "Apps are installed, or another promotes from it."})
def archive_environment(org: str, env: str) -> tuple[str, int]:
    who = caller()
    session = request_session()
    organisation = own_organisation(session, org, who)
    EnvironmentService(session).archive(organisation, env, who.actor)
    return "", 204


@api.get("/organisations/<org>/settings")
@operation("getOrganisationSettings", tag="installs", auth="bearer", summary="The organisation's settings.",
           answers={200: ("The settings.", OrganisationSettings)}, problems=OWN)
def get_settings(org: str) -> Response:
    organisation = own_organisation(request_session(), org, caller())
    return answer(OrganisationSettings.of(org, PreferenceService(request_session()).get(organisation)))


@api.put("/organisations/<org>/settings")
@operation("putOrganisationSettings", tag="installs", auth="bearer", body=SettingsInput,
           summary="Whether apps name the organisation among those that run them in production.",
           answers={200: ("The settings.", OrganisationSettings)}, problems=OWN)
def put_settings(org: str) -> Response:
    who = caller()
    organisation = own_organisation(request_session(), org, who)
    wanted = json_body(SettingsInput).show_in_adoption
    return answer(OrganisationSettings.of(org, PreferenceService(request_session()).update(organisation, wanted,
                                                                                             who.actor)))
