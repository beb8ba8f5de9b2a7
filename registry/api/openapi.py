"""The OpenAPI 3 document of the API; a test holds the implementation to it."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Response, jsonify

from registry.api import API_VERSION, api
from registry.services.catalogue import SORTS
from sdk.manifest import LAYERS

JSON = "application/json"
PROBLEM = "application/problem+json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


APP_ID = {"name": "app_id", "in": "path", "required": True,
          "schema": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "minLength": 3, "maxLength": 64}}
PROFILE_ID = {"name": "profile_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
VERSION = {"name": "version", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 100}}
NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "findings": {"type": "array", "items": _ref("Finding")},
            "sha256": NULLABLE_STRING,
        },
    },
    "Finding": {
        "type": "object",
        "required": ["code", "severity", "message", "key", "plugin", "data"],
        "properties": {
            "code": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning", "info"]},
            "message": {"type": "string"},
            "key": {"type": "string"},
            "plugin": {"type": "string"},
            "kind": {"type": ["string", "null"], "enum": ["runs", "policy", "advice", None],
                     "description": "For platform findings: whether it is about running at all, about a "
                                    "policy the profile enforces, or advice."},
            "data": {"type": "object", "additionalProperties": True,
                     "description": "The values the message is made from (object kind and name, field, "
                                    "versions, expected and actual values); the keys depend on the code."},
        },
    },
    "AppSummary": {
        "type": "object",
        "required": ["id", "name", "summary", "publisher", "layer", "categories", "license", "latestVersion"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "publisher": {"type": "string"},
            "layer": {"type": ["string", "null"], "enum": [*LAYERS, None]},
            "layers": {"type": "array", "items": {"type": "string", "enum": list(LAYERS)},
                       "description": "Every Common Ground layer of the app; `layer` is the first."},
            "categories": {"type": "array", "items": {"type": "string"}},
            "license": {"type": "string"},
            "latestVersion": NULLABLE_STRING,
            "updatedAt": NULLABLE_STRING,
            "links": {"type": "object"},
        },
    },
    "AppPage": {
        "type": "object",
        "required": ["items", "total", "page", "pageSize"],
        "properties": {
            "items": {"type": "array", "items": _ref("AppSummary")},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pageSize": {"type": "integer", "minimum": 1},
        },
    },
    "App": {
        "allOf": [
            _ref("AppSummary"),
            {
                "type": "object",
                "required": ["releases"],
                "properties": {
                    "publisherName": {"type": "string"},
                    "adoption": _ref("Adoption"),  # described in registry.api.openapi_installs
                    "releases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["version", "status", "publishedAt", "sha256"],
                            "properties": {
                                "version": {"type": "string"},
                                "status": {"type": "string", "enum": ["published", "yanked"]},
                                "publishedAt": {"type": "string"},
                                "sha256": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    },
    "Compatibility": {
        "type": "object",
        "required": ["profile", "runs", "meetsPolicy", "failedPolicies", "compatible", "findings"],
        "properties": {
            "profile": {"type": "string"},
            "profileStatus": {"type": "string", "enum": ["active", "retired"]},
            "checkedAt": NULLABLE_STRING,
            "runs": {"type": "boolean", "description": "The cluster can run it: API versions, custom "
                     "resources and operators, storage and platform services are there."},
            "meetsPolicy": {"type": "boolean", "description": "It meets every policy the profile enforces."},
            "failedPolicies": {"type": "array", "items": {"type": "string"}},
            "compatible": {"type": "boolean", "description": "runs and meetsPolicy: it may be installed there."},
            "findings": {"type": "array", "items": _ref("Finding")},
        },
    },
    "Profile": {
        "type": "object",
        "required": ["id", "name", "status", "revision", "kubernetesVersions", "storageAccessModes", "services",
                     "policies"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "retired"]},
            "revision": {"type": "integer"},
            "description": {"type": "string"},
            "kubernetesVersions": {"type": "array", "items": {"type": "string"}},
            "storageAccessModes": {"type": "array", "items": {"type": "string"}},
            "storageClasses": {"type": "array", "items": {"type": "string"}},
            "services": {"type": "array", "items": {"type": "string"}},
            "customResources": {"type": "array", "items": {"type": "string"}},
            "operators": {"type": "array", "items": {"type": "string"}},
            "serviceOffers": {"type": "array", "description": "Each service offer with its major version and "
                              "extensions, where the profile names them (PostgreSQL 16 with PostGIS).",
                              "items": {"type": "object", "properties": {
                                  "name": {"type": "string"}, "version": NULLABLE_STRING,
                                  "extensions": {"type": "array", "items": {"type": "string"}}}}},
            "operatorOffers": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "version": NULLABLE_STRING}}},
            "podSecurity": {"type": "string", "enum": ["privileged", "baseline", "restricted"]},
            "policies": {"type": "array", "items": {
                "type": "object", "properties": {
                    "check": {"type": "string"}, "mode": {"type": "string", "enum": ["binding", "advisory"]},
                    "bindingFrom": NULLABLE_STRING}}},
            "updatedAt": NULLABLE_STRING,
            "links": {"type": "object"},
        },
    },
    "ProfileList": {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": _ref("Profile")}, "total": {"type": "integer"}},
    },
    "Impact": {
        "type": "object",
        "required": ["profile", "kubernetes", "affected", "total"],
        "properties": {
            "profile": {"type": "string"},
            "kubernetes": {"type": "string"},
            "total": {"type": "integer"},
            "affected": {"type": "array", "items": {
                "type": "object", "required": ["app", "version", "findings"],
                "properties": {"app": {"type": "string"}, "version": {"type": "string"},
                               "findings": {"type": "array", "items": _ref("Finding")}}}},
        },
    },
    "Release": {
        "type": "object",
        "required": ["app", "version", "status", "publisher", "sha256", "size", "publishedAt",
                     "manifest", "findings", "compatibility", "yank", "links"],
        "properties": {
            "app": {"type": "string"},
            "version": {"type": "string"},
            "status": {"type": "string", "enum": ["published", "yanked"]},
            "publisher": {"type": "string"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "size": {"type": "integer"},
            "filename": {"type": "string"},
            "publishedAt": {"type": "string"},
            "manifest": {"type": "object"},
            "publiccode": {"type": ["object", "null"]},
            "findings": {"type": "array", "items": _ref("Finding")},
            "compatibility": {"type": "array", "items": _ref("Compatibility")},
            "yank": {
                "type": ["object", "null"],
                "properties": {"reason": {"type": "string"}, "yankedAt": {"type": "string"}},
            },
            "links": {"type": "object"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/releases": {
        "post": {
            "operationId": "publishRelease",
            "summary": "Publish a release: upload a package; every check runs before it is stored.",
            "security": [{"bearer": []}],
            "requestBody": {
                "required": True,
                "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["package"],
                               "properties": {"package": {"type": "string", "format": "binary"}}},
                }},
            },
            "responses": {
                "201": _ok("The release, with all its findings.", "Release"),
                "400": _problem("The request is malformed."),
                "401": _problem("No or an unknown token."),
                "403": _problem("The token's organisation may not publish this app."),
                "409": _problem("The version exists or existed; `sha256` names the existing artifact."),
                "413": _problem("The package is too large."),
                "422": _problem("Verification failed; `findings` holds every finding (among them "
                                "`identity.lookalike-id` and `identity.lookalike-name`: the id or name cannot "
                                "be told apart from another organisation's app)."),
                "507": _problem("The registry's storage is full; nothing was saved. Try again later."),
            },
        }
    },
    "/apps": {
        "get": {
            "operationId": "listApps",
            "summary": "List and search apps.",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                {"name": "layer", "in": "query", "schema": {"type": "string", "enum": list(LAYERS)}},
                {"name": "category", "in": "query", "schema": {"type": "string"}},
                {"name": "publisher", "in": "query", "schema": {"type": "string"}},
                {"name": "license", "in": "query", "schema": {"type": "string"},
                 "description": "An SPDX expression, or `open` / `proprietary`."},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                {"name": "pageSize", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)},
                 "description": "`relevance` (default), `name`, `released` (last release first) or `adoption`."},
            ],
            "responses": {
                "200": _ok("One page of apps, with the total count.", "AppPage"),
                "400": _problem("A parameter is out of range."),
            },
        }
    },
    "/apps/{app_id}": {
        "get": {
            "operationId": "getApp",
            "parameters": [APP_ID],
            "responses": {"200": _ok("The app with its releases.", "App"), "404": _problem("No such app.")},
        }
    },
    "/apps/{app_id}/releases/{version}": {
        "get": {
            "operationId": "getRelease",
            "parameters": [APP_ID, VERSION],
            "responses": {"200": _ok("The release.", "Release"), "404": _problem("No such release.")},
        }
    },
    "/apps/{app_id}/releases/{version}/package": {
        "get": {
            "operationId": "downloadPackage",
            "parameters": [APP_ID, VERSION,
                           {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "The package archive; `Digest` carries its sha256.",
                    "headers": {"ETag": {"schema": {"type": "string"}}, "Digest": {"schema": {"type": "string"}}},
                    "content": {"application/gzip": {"schema": {"type": "string", "format": "binary"}}},
                },
                "304": {"description": "Not modified."},
                "401": _problem("A commercial module needs a token."),
                "403": _problem("A commercial module needs an entitlement."),
                "404": _problem("No such release."),
            },
        }
    },
    "/apps/{app_id}/releases/{version}/yank": {
        "post": {
            "operationId": "yankRelease",
            "security": [{"bearer": []}],
            "parameters": [APP_ID, VERSION],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {
                    "type": "object", "required": ["reason"],
                    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 1000}},
                }}},
            },
            "responses": {
                "200": _ok("The yanked release.", "Release"),
                "400": _problem("No reason given."),
                "401": _problem("No or an unknown token."),
                "403": _problem("Only the publisher may yank."),
                "404": _problem("No such release."),
                "409": _problem("Yanked already."),
            },
        }
    },
    "/profiles": {
        "get": {
            "operationId": "listProfiles",
            "summary": "Platform profiles that releases are verified against.",
            "responses": {"200": _ok("Every profile, active and retired.", "ProfileList")},
        }
    },
    "/profiles/{profile_id}": {
        "get": {
            "operationId": "getProfile",
            "parameters": [PROFILE_ID],
            "responses": {"200": _ok("The profile.", "Profile"), "404": _problem("No such profile.")},
        }
    },
    "/profiles/{profile_id}/impact": {
        "get": {
            "operationId": "getProfileImpact",
            "summary": "Apps whose latest release would stop running if the profile moved to a Kubernetes version.",
            "parameters": [PROFILE_ID, {"name": "kubernetes", "in": "query", "required": True,
                                        "schema": {"type": "string", "pattern": "^1\\.(0|[1-9][0-9]?)$"}}],
            "responses": {
                "200": _ok("The apps that would break, with the findings that say why.", "Impact"),
                "400": _problem("The Kubernetes version is missing or not a minor version."),
                "404": _problem("No such profile."),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "responses": {"200": {"description": "This document.", "content": {JSON: {"schema": {"type": "object"}}}}},
        }
    },
}


#: Modules that describe further parts of the API, each with ``PATHS`` and
#: ``SCHEMAS`` dicts in the shape above (paths relative to /api/v1).
SECTIONS: tuple[str, ...] = ("registry.api.openapi_vendors", "registry.api.openapi_installs")


def document() -> dict[str, Any]:
    paths, schemas = dict(PATHS), dict(SCHEMAS)
    for name in SECTIONS:
        section = importlib.import_module(name)
        paths.update(section.PATHS)
        schemas.update(section.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemeente App Store API",
            "version": API_VERSION,
            "description": "Publish, verify, find and download applications for Dutch municipalities.",
            "contact": {"name": "Gemeente App Store"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(document())
