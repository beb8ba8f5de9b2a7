"""OpenAPI section: organisations' profiles and verification, and commercial modules
(listing, entitlements, interest, download log)."""

from __future__ import annotations

import copy
from typing import Any

from registry.api.openapi import APP_ID, JSON, NULLABLE_STRING, _ok, _problem, _ref
from registry.api.openapi import SCHEMAS as BASE_SCHEMAS
from registry.models import HOSTING_OPTIONS, ORGANISATION_KINDS, PRICING_MODELS, SUPPORT_HOURS
from registry.services.download_log import CONTENT_KINDS
from registry.services.identifiers import IDENTIFIER_TYPES
from registry.services.listing_input import EXAMPLE, MAX_EMAIL, MAX_NAME, MAX_NOTE, MAX_URL

ORG = {"name": "org", "in": "path", "required": True, "description": "The organisation's slug.",
       "schema": {"type": "string", "maxLength": 64}}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {"bearer": []}]
HTTPS_URL = {"type": "string", "format": "uri", "pattern": "^https://", "maxLength": MAX_URL}
NOT_COMMERCIAL = "No such app, or the app is open source (it has none of this)."


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def _with_properties(name: str, **properties: Any) -> dict[str, Any]:
    """A base schema with the properties this section adds to it (so the base module stays as it is)."""
    schema = copy.deepcopy(BASE_SCHEMAS[name])
    target = schema if "properties" in schema else schema["allOf"][-1]
    target["properties"].update(properties)
    return schema


LISTING_INPUT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["pricing", "hosting", "support", "contact"],
    "properties": {
        "pricing": {"type": "object", "additionalProperties": False, "required": ["model"], "properties": {
            "model": {"type": "string", "enum": list(PRICING_MODELS)}, "note": _text(MAX_NOTE)}},
        "hosting": {"type": "array", "minItems": 1, "uniqueItems": True,
                    "items": {"type": "string", "enum": list(HOSTING_OPTIONS)},
                    "description": "`shared-platform`: installed on the municipality's (shared) Haven platform; "
                                   "`saas`: run by the vendor as a service."},
        "support": {"type": "object", "additionalProperties": False, "required": ["hours"], "properties": {
            "hours": {"type": "string", "enum": list(SUPPORT_HOURS)}, "note": _text(MAX_NOTE)}},
        "contact": {"type": "object", "additionalProperties": False, "required": ["name", "email"], "properties": {
            "name": {**_text(MAX_NAME), "minLength": 1},
            "email": {"type": "string", "format": "email", "maxLength": MAX_EMAIL},
            "phone": {"type": ["string", "null"], "maxLength": 40},
            "url": {**HTTPS_URL, "type": ["string", "null"]}}},
        "frameworkAgreement": {
            "type": ["object", "null"], "additionalProperties": False, "required": ["name", "url"],
            "description": "The framework agreement (raamovereenkomst) under which municipalities can buy it.",
            "properties": {"name": {**_text(MAX_NAME), "minLength": 1}, "url": HTTPS_URL}},
    },
    "example": EXAMPLE,
}

SCHEMAS: dict[str, Any] = {
    "AppSummary": _with_properties(
        "AppSummary",
        publisherVerified={"type": "boolean", "description": "A curator checked the publisher's OIN or KvK number."},
        verified={"type": "boolean", "description": "Same as `publisherVerified`."},
    ),
    "App": _with_properties(
        "App", listing={"oneOf": [_ref("Listing"), {"type": "null"}],
                        "description": "What a commercial module costs and how to buy it; null for open source."},
    ),
    "Organisation": {
        "type": "object",
        "required": ["slug", "name", "kind", "verified", "identifierType"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
            "verified": {"type": "boolean"},
            "identifierType": {"type": ["string", "null"], "enum": [*IDENTIFIER_TYPES, None],
                               "description": "What the curator checked: `oin` or `kvk`."},
            "verifiedAt": NULLABLE_STRING,
            "links": {"type": "object"},
        },
    },
    "Verification": {
        "type": "object",
        "description": "Exactly one identifier: an OIN (government bodies, 20 digits) or a KvK number "
                       "(companies, 8 digits).",
        "oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["oin"],
             "properties": {"oin": {"type": "string", "pattern": "^[0-9]{20}$"}}},
            {"type": "object", "additionalProperties": False, "required": ["kvk"],
             "properties": {"kvk": {"type": "string", "pattern": "^[0-9]{8}$"}}},
        ],
    },
    "ListingInput": LISTING_INPUT,
    "Listing": {
        "type": "object",
        "required": ["pricing", "hosting", "support", "contact", "frameworkAgreement", "updatedAt"],
        "properties": {**LISTING_INPUT["properties"], "updatedAt": NULLABLE_STRING},
    },
    "ValidationProblem": {
        "allOf": [_ref("Problem"), {"type": "object", "properties": {"invalidParams": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "code", "reason"], "properties": {
                "name": {"type": "string", "description": "Dot path of the field."},
                "code": {"type": "string"}, "reason": {"type": "string"}}},
        }}}],
    },
    "Entitlement": {
        "type": "object",
        "required": ["app", "organisation", "organisationName", "grantedAt"],
        "properties": {"app": {"type": "string"}, "organisation": {"type": "string"},
                       "organisationName": {"type": "string"}, "grantedAt": {"type": "string"}},
    },
    "EntitlementList": {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": _ref("Entitlement")}, "total": {"type": "integer"}},
    },
    "Interest": {
        "type": "object",
        "required": ["count"],
        "description": "The count is public. `registered` is there for a municipality's token; `organisations` "
                       "only for the vendor's and curators' tokens.",
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "registered": {"type": "boolean"},
            "organisations": {"type": "array", "items": {
                "type": "object", "required": ["organisation", "organisationName", "registeredAt"],
                "properties": {"organisation": {"type": "string"}, "organisationName": {"type": "string"},
                               "registeredAt": {"type": "string"}}}},
        },
    },
    "DownloadPage": {
        "type": "object",
        "required": ["items", "total", "page", "pageSize"],
        "properties": {
            "items": {"type": "array", "items": {
                "type": "object", "required": ["version", "organisation", "organisationName", "kind", "downloadedAt"],
                "properties": {"version": {"type": "string"}, "organisation": {"type": "string"},
                               "organisationName": {"type": "string"},
                               "kind": {"type": "string", "enum": list(CONTENT_KINDS),
                                        "description": "What was sent: the package, a bundle made from it, "
                                                       "or one of its images."},
                               "downloadedAt": {"type": "string"}}}},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pageSize": {"type": "integer", "minimum": 1},
        },
    },
}

_UNAUTHORISED = _problem("No, an unknown or a revoked token.")
_NO_CONTENT = {"description": "Done."}

PATHS: dict[str, Any] = {
    "/organisations/{org}": {
        "get": {
            "operationId": "getOrganisation",
            "summary": "An organisation's public profile: kind, and whether a curator verified it.",
            "parameters": [ORG],
            "responses": {"200": _ok("The profile.", "Organisation"), "404": _problem("No such organisation.")},
        }
    },
    "/organisations/{org}/verification": {
        "post": {
            "operationId": "verifyOrganisation",
            "summary": "Curators only: mark an organisation verified after checking its OIN or KvK number.",
            "security": BEARER,
            "parameters": [ORG],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("Verification")}}},
            "responses": {
                "200": _ok("The organisation, now verified.", "Organisation"),
                "400": _problem("The identifier is malformed, fails its checks, or does not fit the kind."),
                "401": _UNAUTHORISED,
                "403": _problem("The token is not a curator's."),
                "404": _problem("No such organisation."),
                "409": _problem("The identifier verifies another organisation already."),
            },
        },
        "delete": {
            "operationId": "unverifyOrganisation",
            "summary": "Curators only: withdraw an organisation's verification.",
            "security": BEARER,
            "parameters": [ORG],
            "responses": {
                "204": _NO_CONTENT, "401": _UNAUTHORISED, "403": _problem("The token is not a curator's."),
                "404": _problem("No such organisation."), "409": _problem("The organisation is not verified."),
            },
        },
    },
    "/apps/{app_id}/listing": {
        "get": {
            "operationId": "getListing",
            "summary": "How to buy a commercial module: pricing, hosting, support, contact, framework agreement.",
            "parameters": [APP_ID],
            "responses": {"200": _ok("The listing.", "Listing"),
                          "404": _problem(NOT_COMMERCIAL + " Or the vendor has not written a listing yet.")},
        },
        "put": {
            "operationId": "putListing",
            "summary": "The vendor's own token only: replace the listing of a commercial module.",
            "security": BEARER,
            "parameters": [APP_ID],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("ListingInput")}}},
            "responses": {
                "200": _ok("The listing, replaced.", "Listing"),
                "201": _ok("The listing, written for the first time.", "Listing"),
                "400": {"description": "The listing has problems; `invalidParams` names every one.",
                        "content": {"application/problem+json": {"schema": _ref("ValidationProblem")}}},
                "401": _UNAUTHORISED,
                "403": _problem("The token is not the vendor's."),
                "404": _problem(NOT_COMMERCIAL),
            },
        },
    },
    "/apps/{app_id}/entitlements": {
        "get": {
            "operationId": "listEntitlements",
            "summary": "The vendor's own token only: the organisations that may download the module.",
            "security": BEARER,
            "parameters": [APP_ID],
            "responses": {
                "200": _ok("Every entitlement.", "EntitlementList"), "401": _UNAUTHORISED,
                "403": _problem("The token is not the vendor's."), "404": _problem(NOT_COMMERCIAL),
            },
        }
    },
    "/apps/{app_id}/entitlements/{org}": {
        "get": {
            "operationId": "getEntitlement",
            "summary": "Whether an organisation may download the module: for the vendor, and for that organisation.",
            "security": BEARER,
            "parameters": [APP_ID, ORG],
            "responses": {
                "200": _ok("The entitlement.", "Entitlement"), "401": _UNAUTHORISED,
                "403": _problem("The token is neither the vendor's nor that organisation's."),
                "404": _problem(NOT_COMMERCIAL + " Or no such organisation, or it has no entitlement."),
            },
        },
        "put": {
            "operationId": "grantEntitlement",
            "summary": "The vendor's own token only: let an organisation download the module (idempotent).",
            "security": BEARER,
            "parameters": [APP_ID, ORG],
            "responses": {
                "200": _ok("The organisation was entitled already.", "Entitlement"),
                "201": _ok("The organisation is entitled from now on.", "Entitlement"),
                "400": _problem("The vendor itself needs no entitlement."),
                "401": _UNAUTHORISED, "403": _problem("The token is not the vendor's."),
                "404": _problem(NOT_COMMERCIAL + " Or no such organisation."),
            },
        },
        "delete": {
            "operationId": "revokeEntitlement",
            "summary": "The vendor's own token only: revoke an entitlement; the next download is refused.",
            "security": BEARER,
            "parameters": [APP_ID, ORG],
            "responses": {
                "204": _NO_CONTENT, "401": _UNAUTHORISED, "403": _problem("The token is not the vendor's."),
                "404": _problem(NOT_COMMERCIAL + " Or no such organisation, or it has no entitlement."),
            },
        },
    },
    "/apps/{app_id}/interest": {
        "get": {
            "operationId": "getInterest",
            "summary": "How many municipalities would buy the module; which ones only for the vendor and curators.",
            "security": OPTIONAL_BEARER,
            "parameters": [APP_ID],
            "responses": {"200": _ok("The interest.", "Interest"), "401": _UNAUTHORISED,
                          "404": _problem(NOT_COMMERCIAL)},
        },
        "post": {
            "operationId": "registerInterest",
            "summary": "A municipality's token: register interest in buying the module together (idempotent).",
            "security": BEARER,
            "parameters": [APP_ID],
            "responses": {
                "200": _ok("Registered already.", "Interest"), "201": _ok("Registered.", "Interest"),
                "401": _UNAUTHORISED, "403": _problem("The token is not a municipality's."),
                "404": _problem(NOT_COMMERCIAL),
            },
        },
        "delete": {
            "operationId": "withdrawInterest",
            "summary": "A municipality's token: withdraw its interest.",
            "security": BEARER,
            "parameters": [APP_ID],
            "responses": {
                "204": _NO_CONTENT, "401": _UNAUTHORISED, "403": _problem("The token is not a municipality's."),
                "404": _problem(NOT_COMMERCIAL + " Or the municipality had not registered interest."),
            },
        },
    },
    "/apps/{app_id}/downloads": {
        "get": {
            "operationId": "listDownloads",
            "summary": "The vendor's own token only: who downloaded which release of the module, and when.",
            "security": BEARER,
            "parameters": [
                APP_ID,
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                {"name": "pageSize", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {
                "200": _ok("One page of downloads, newest first.", "DownloadPage"),
                "400": _problem("A parameter is out of range."), "401": _UNAUTHORISED,
                "403": _problem("The token is not the vendor's."), "404": _problem(NOT_COMMERCIAL),
            },
        }
    },
}
