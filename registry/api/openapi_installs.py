"""OpenAPI section: a municipality's environments, install plans, bundles, installed apps,
history, updates, its settings, and the adoption figures on an app."""

from __future__ import annotations

from typing import Any

from registry.api.openapi import APP_ID, JSON, NULLABLE_STRING, _ok, _problem, _ref
from registry.models import ENVIRONMENT_STAGES

ORG = {"name": "org", "in": "path", "required": True, "description": "The organisation's slug.",
       "schema": {"type": "string", "maxLength": 64}}
ENV = {"name": "env", "in": "path", "required": True, "description": "The environment's name.",
       "schema": {"type": "string", "maxLength": 64}}
PLAN_ID = {"name": "plan_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
STRING_LIST = {"type": "array", "items": {"type": "string"}}
SECRET_REFERENCE = {
    "type": "object", "required": ["secretName", "key"], "additionalProperties": False,
    "description": "A Kubernetes Secret in the app's namespace and the key that holds the value; a secret's "
                   "value is never sent to the registry.",
    "properties": {"secretName": {"type": "string", "maxLength": 253}, "key": {"type": "string", "maxLength": 253}},
}
UNRESOLVED = {"type": "object", "required": ["unresolved"], "properties": {"unresolved": {"const": True}},
              "description": "Where a secret was stored in clear and removed: name its Secret (needsAttention)."}
CONFIG_VALUES = {"type": "object",
                 "additionalProperties": {"oneOf": [{"type": "string"}, SECRET_REFERENCE, UNRESOLVED]}}
SECRET_USE = {"type": "object", "required": ["name", "value", "reference"],
              "properties": {"name": {"type": "string"}, "value": {"type": "string", "description": "<secret: name>"},
                             "reference": SECRET_REFERENCE}}


def _list(item: str, **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": ["items", "total"],
            "properties": {"items": {"type": "array", "items": _ref(item)}, "total": {"type": "integer"}, **extra}}


def _guarded(responses: dict[str, Any], missing: str = "No such organisation or environment.") -> dict[str, Any]:
    """Every path here needs the organisation's own token."""
    return {
        **responses,
        "401": _problem("No or an unknown token."),
        "403": _problem("The token belongs to another organisation."),
        "404": _problem(missing),
    }


ENVIRONMENT_FIELDS = {
    "name": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "minLength": 2, "maxLength": 64},
    "stage": {"type": "string", "enum": list(ENVIRONMENT_STAGES)},
    "profile": {"type": "string", "description": "The platform profile the environment runs."},
    "config": {**CONFIG_VALUES, "description": "Config values shared by every app (e.g. storageClass). A secret "
               "(an entry marked `secret`, or a name such as password or token) is a reference, never text."},
    "appConfig": {"type": "object", "additionalProperties": CONFIG_VALUES,
                  "description": "Config values per app id; they win over `config`. Give per-app values such as "
                                 "hostnames here: plans refuse two apps that claim one host."},
    "namespaces": {"type": "object", "additionalProperties": False, "properties": {
        "mode": {"type": "string", "enum": ["per-app", "shared"],
                 "description": "per-app: each app in namespace PREFIX+APP-ID (the default); shared: every app in "
                                "the `namespace` config value, else the environment's name."},
        "prefix": {"type": "string", "pattern": "^([a-z0-9][a-z0-9-]{0,28})?$"}}},
    "promoteFrom": {**NULLABLE_STRING, "description": "An environment a release must have run in first."},
    "confirmedApis": {"type": "array", "items": {"type": "string"},
                      "description": "External APIs (brp, kvk, bag) the municipality confirms this environment "
                                     "has access to; apps that call them can be planned here."},
}

SCHEMAS: dict[str, Any] = {
    "EnvironmentInput": {"type": "object", "properties": ENVIRONMENT_FIELDS, "additionalProperties": False},
    "Environment": {
        "type": "object",
        "required": ["name", "organisation", "stage", "profile", "config", "appConfig", "promoteFrom", "links"],
        "properties": {**ENVIRONMENT_FIELDS, "organisation": {"type": "string"}, "createdAt": NULLABLE_STRING,
                       "needsAttention": {"type": "array", "items": {
                           "type": "object", "required": ["code", "name", "app"], "properties": {
                               "code": {"type": "string"}, "name": {"type": "string"}, "app": {"type": "string"}}}},
                       "updatedAt": NULLABLE_STRING, "links": {"type": "object"}},
    },
    "EnvironmentList": _list("Environment"),
    "PlanRequest": {
        "type": "object",
        "required": ["app"],
        "properties": {
            "app": APP_ID["schema"],
            "version": {"type": "string", "description": "A range such as ^1.3; newest that fits when left out."},
            "choices": {**STRINGS, "description": "API name -> the app picked to provide it."},
        },
    },
    "PlanStep": {
        "type": "object",
        "required": ["app", "version", "action", "installedVersion", "requiredBy", "provides", "sha256"],
        "properties": {
            "app": {"type": "string"},
            "version": {"type": "string"},
            "action": {"type": "string", "enum": ["install", "upgrade", "downgrade", "keep"]},
            "installedVersion": NULLABLE_STRING,
            "requiredBy": STRING_LIST,
            "provides": STRING_LIST,
            "compatible": {"type": ["boolean", "null"]},
            "yanked": {"type": "boolean"},
            "sha256": {"type": "string"},
            "missingConfig": {"type": "array", "items": {"type": "object"}},
            "external": {"type": "object", "description": "Services the municipality brings (their config "
                         "value set or not) and external APIs the app calls (confirmed or not).",
                         "properties": {"services": {"type": "array", "items": {"type": "object"}},
                                        "apis": {"type": "array", "items": {"type": "object"}}}},
            "namespace": {"type": "string", "description": "The namespace the app's objects go to."},
            "secrets": {"type": "array", "items": SECRET_USE},
            "promotion": {"type": ["object", "null"],
                          "properties": {"from": {"type": "string"}, "met": {"type": "boolean"}}},
        },
    },
    "PlanProblem": {
        "type": "object",
        "required": ["code", "severity", "message"],
        "properties": {"code": {"type": "string"}, "severity": {"type": "string", "enum": ["error", "warning"]},
                       "message": {"type": "string"}, "app": {"type": "string"},
                       "apps": {**STRING_LIST, "description": "plan.collision: the two apps that collide."}},
    },
    "Plan": {
        "type": "object",
        "required": ["id", "organisation", "environment", "profile", "request", "status", "ready", "steps",
                     "choices", "problems", "links"],
        "properties": {
            "id": {"type": "integer"},
            "organisation": {"type": "string"},
            "environment": {"type": "string"},
            "profile": {"type": "string"},
            "request": {"type": "object"},
            "status": {"type": "string", "enum": ["ready", "blocked", "needs-choice", "impossible"]},
            "ready": {"type": "boolean"},
            "steps": {"type": "array", "items": _ref("PlanStep")},
            "choices": {"type": "array", "items": {
                "type": "object", "required": ["api", "providers"],
                "properties": {"api": {"type": "string"}, "requiredBy": STRING_LIST, "providers": STRING_LIST}}},
            "problems": {"type": "array", "items": _ref("PlanProblem")},
            "createdAt": NULLABLE_STRING,
            "createdBy": {"type": "string"},
            "links": {"type": "object"},
        },
    },
    "Bundle": {
        "type": "object",
        "required": ["plan", "environment", "items"],
        "properties": {
            "plan": {"type": "integer"},
            "environment": {"type": "string"},
            "items": {"type": "array", "items": {
                "type": "object", "required": ["app", "version", "action", "sha256", "files"],
                "properties": {
                    "app": {"type": "string"}, "version": {"type": "string"}, "action": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "namespace": {"type": "string"},
                    "secrets": {"type": "array", "items": SECRET_USE, "description": "Secrets whose marker "
                                "${secret:NAME} the files hold; appstore install fills them locally."},
                    "files": {"type": "array", "items": {
                        "type": "object", "required": ["path", "content"],
                        "properties": {"path": {"type": "string"}, "content": {"type": "string"}}}},
                    "warnings": STRING_LIST}}},
        },
    },
    "Installation": {
        "type": "object",
        "required": ["app", "version", "sha256", "yank"],
        "properties": {"app": {"type": "string"}, "version": {"type": "string"}, "sha256": {"type": "string"},
                       "installedAt": NULLABLE_STRING, "updatedAt": NULLABLE_STRING, "yank": _ref("YankNote")},
    },
    "InstallationList": _list("Installation"),
    "YankNote": {"type": ["object", "null"],
                 "properties": {"reason": {"type": "string"}, "yankedAt": NULLABLE_STRING}},
    "InstallationEvent": {
        "type": "object",
        "required": ["app", "action", "version", "actor", "at"],
        "properties": {"app": {"type": "string"},
                       "action": {"type": "string", "enum": ["installed", "upgraded", "downgraded", "removed"]},
                       "version": {"type": "string"}, "previousVersion": NULLABLE_STRING,
                       "plan": {"type": ["integer", "null"]}, "actor": {"type": "string"}, "at": NULLABLE_STRING},
    },
    "InstallationEventList": _list("InstallationEvent"),
    "InstallationRecord": {"oneOf": [
        {"type": "object", "required": ["plan"], "properties": {"plan": {"type": "integer"}},
         "additionalProperties": False},
        {"type": "object", "required": ["app", "version"], "additionalProperties": False,
         "properties": {"app": {"type": "string"}, "version": {"type": "string"}}},
    ]},
    "Update": {
        "type": "object",
        "required": ["app", "installed", "patch", "minor", "major", "yank", "needsAttention"],
        "properties": {"app": {"type": "string"}, "installed": {"type": "string"}, "patch": NULLABLE_STRING,
                       "minor": NULLABLE_STRING, "major": NULLABLE_STRING, "yank": _ref("YankNote"),
                       "runsOnProfile": {"type": ["boolean", "null"]}, "needsAttention": {"type": "boolean"}},
    },
    "UpdateList": _list("Update", needsAttention={"type": "integer"}),
    "OrganisationSettings": {
        "type": "object",
        "required": ["showInAdoption"],
        "properties": {"organisation": {"type": "string"}, "showInAdoption": {
            "type": "boolean", "description": "Whether apps name this municipality among those running them."}},
    },
    "Adoption": {
        "type": "object",
        "required": ["count", "names"],
        "properties": {"count": {"type": "integer", "minimum": 0,
                                 "description": "Municipalities that run the app in production."},
                       "names": {**STRING_LIST, "description": "Those of them that chose to be named."}},
    },
}

_BODY_ERROR = "The body is malformed or a value is invalid; `detail` names every problem."
ENVIRONMENTS = "/organisations/{org}/environments"
ONE = ENVIRONMENTS + "/{env}"

PATHS: dict[str, Any] = {
    ENVIRONMENTS: {
        "get": {"operationId": "listEnvironments", "security": BEARER, "parameters": [ORG],
                "responses": _guarded({"200": _ok("The environments.", "EnvironmentList")},
                                      "No such organisation.")},
        "post": {"operationId": "createEnvironment", "security": BEARER, "parameters": [ORG],
                 "requestBody": {"required": True, "content": {JSON: {"schema": _ref("EnvironmentInput")}}},
                 "responses": _guarded({"201": _ok("The new environment.", "Environment"),
                                        "400": _problem(_BODY_ERROR),
                                        "409": _problem("The name is taken.")}, "No such organisation.")},
    },
    ONE: {
        "get": {"operationId": "getEnvironment", "security": BEARER, "parameters": [ORG, ENV],
                "responses": _guarded({"200": _ok("The environment.", "Environment")})},
        "patch": {"operationId": "updateEnvironment", "security": BEARER, "parameters": [ORG, ENV],
                  "summary": "Change the fields sent; the others stay.",
                  "requestBody": {"required": True, "content": {JSON: {"schema": _ref("EnvironmentInput")}}},
                  "responses": _guarded({"200": _ok("The environment.", "Environment"),
                                         "400": _problem(_BODY_ERROR)})},
        "delete": {"operationId": "archiveEnvironment", "security": BEARER, "parameters": [ORG, ENV],
                   "summary": "Archive an environment in which nothing is installed; its history stays.",
                   "responses": _guarded({"204": {"description": "Archived."},
                                          "409": _problem("Apps are installed, or another promotes from it.")})},
    },
    ONE + "/plans": {
        "post": {"operationId": "createPlan", "security": BEARER, "parameters": [ORG, ENV],
                 "summary": "Plan installing or upgrading an app: releases in dependency order, or why not.",
                 "requestBody": {"required": True, "content": {JSON: {"schema": _ref("PlanRequest")}}},
                 "responses": _guarded({"201": _ok("The plan; `status` says whether it can be applied.", "Plan"),
                                        "400": _problem(_BODY_ERROR)}, "No such organisation, environment or app.")},
    },
    ONE + "/plans/{plan_id}": {
        "get": {"operationId": "getPlan", "security": BEARER, "parameters": [ORG, ENV, PLAN_ID],
                "responses": _guarded({"200": _ok("The plan as made.", "Plan")}, "No such plan.")},
    },
    ONE + "/plans/{plan_id}/bundle": {
        "get": {"operationId": "getBundle", "security": BEARER, "parameters": [ORG, ENV, PLAN_ID],
                "summary": "A ready plan's deploy/ files rendered with the environment's config, per app in order.",
                "description": "Every release in the plan is authorised again for the caller's organisation: "
                               "when the entitlement to a commercial module was revoked since the plan was made, "
                               "the answer is 403 with `code` `content.needs-entitlement` and the `app`. Each "
                               "commercial release sent is in its vendor's download log (kind `bundle`); a HEAD "
                               "request is not.",
                "responses": {**_guarded({"200": _ok("The bundle.", "Bundle"),
                                          "409": _problem("The plan is not ready, or config values are missing.")},
                                         "No such plan."),
                              "403": _problem("The token belongs to another organisation, or an entitlement to "
                                              "a commercial module in the plan was revoked.")}},
    },
    ONE + "/installations": {
        "get": {"operationId": "listInstallations", "security": BEARER, "parameters": [ORG, ENV],
                "responses": _guarded({"200": _ok("The apps installed now.", "InstallationList")})},
        "post": {"operationId": "recordInstallation", "security": BEARER, "parameters": [ORG, ENV],
                 "summary": "Record an applied plan, or one release, as installed.",
                 "requestBody": {"required": True, "content": {JSON: {"schema": _ref("InstallationRecord")}}},
                 "responses": _guarded({"201": _ok("The changes recorded.", "InstallationEventList"),
                                        "400": _problem(_BODY_ERROR),
                                        "409": _problem("The plan is not ready, or the environment changed.")},
                                       "No such environment, plan or release.")},
    },
    ONE + "/installations/{app_id}": {
        "delete": {"operationId": "removeInstallation", "security": BEARER, "parameters": [ORG, ENV, APP_ID],
                   "summary": "Record that an app was removed.",
                   "responses": _guarded({"204": {"description": "Recorded."}}, "The app is not installed there.")},
    },
    ONE + "/history": {
        "get": {"operationId": "listHistory", "security": BEARER, "parameters": [ORG, ENV],
                "responses": _guarded({"200": _ok("Every change, oldest first.", "InstallationEventList")})},
    },
    ONE + "/updates": {
        "get": {"operationId": "listUpdates", "security": BEARER, "parameters": [ORG, ENV],
                "summary": "Newer releases (patch, minor, major) that run on the profile; yanked installs.",
                "responses": _guarded({"200": _ok("One entry per installed app.", "UpdateList")})},
    },
    "/organisations/{org}/settings": {
        "get": {"operationId": "getOrganisationSettings", "security": BEARER, "parameters": [ORG],
                "responses": _guarded({"200": _ok("The settings.", "OrganisationSettings")}, "No such organisation.")},
        "put": {"operationId": "putOrganisationSettings", "security": BEARER, "parameters": [ORG],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("OrganisationSettings")}}},
                "responses": _guarded({"200": _ok("The settings.", "OrganisationSettings"),
                                       "400": _problem(_BODY_ERROR)}, "No such organisation.")},
    },
}
