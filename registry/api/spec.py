"""Routes describe themselves; the OpenAPI 3.1 document is made from them and their models.

A view declares its operation with ``@operation(...)``: its id, tag, what it takes (a body
model, a query model) and what it answers (a model per status, problems per status). The
document walks the blueprint's URL rules, so a route without a description fails loudly,
and takes every schema from the pydantic models that also validate and serialise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from registry.api.models.problems import Problem

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
View = TypeVar("View", bound=Callable[..., Any])
Auth = Literal["none", "bearer", "optional"]

BAD_REQUEST = "The request is malformed or a value is invalid; `invalidParams` names every problem."
UNAUTHORISED = "No, an unknown or a revoked token."
STORAGE_FULL = "The registry's storage is full; nothing was saved. Try again later."
UNAVAILABLE = ("The database or the artifact store does not answer; nothing was changed. "
               "Try again after the seconds in `Retry-After`.")
TOO_LARGE = "The request is too large."


@dataclass(frozen=True)
class Answer:
    """A successful answer: a model in JSON, or another media type (a binary download)."""

    description: str
    model: type[BaseModel] | None = None
    media_type: str = JSON
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    operation_id: str
    tag: str
    summary: str
    answers: dict[int, Answer]
    problems: dict[int, str]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    upload: str | None = None  # the multipart field of an upload
    auth: Auth = "none"
    headers: tuple[str, ...] = field(default=())  # request headers it reads


def operation(operation_id: str, *, tag: str, summary: str,
              answers: dict[int, Answer | tuple[str, type[BaseModel] | None]],
              problems: dict[int, str] | None = None, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, upload: str | None = None, auth: Auth = "none",
              headers: tuple[str, ...] = ()) -> Callable[[View], View]:
    """Describe the view it decorates (put it below the route decorator)."""
    spec = Operation(
        operation_id, tag, summary,
        {status: a if isinstance(a, Answer) else Answer(*a) for status, a in answers.items()},
        dict(problems or {}), body, query, upload, auth, headers)

    def describe(view: View) -> View:
        view.__openapi__ = spec  # type: ignore[attr-defined]
        return view
    return describe


# -- the document ---------------------------------------------------------------

ROW_ID = {"type": "string", "pattern": "^[0-9]{1,18}$"}
#: Path parameters by name, as every route that has one uses it.
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "app_id": {"description": "The app's id.",
               "schema": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "minLength": 3,
                          "maxLength": 64}},
    "version": {"description": "A release's version (SemVer).", "schema": {"type": "string", "maxLength": 100}},
    "profile_id": {"description": "The platform profile's id.", "schema": {"type": "string", "maxLength": 64}},
    "org": {"description": "The organisation's slug.", "schema": {"type": "string", "maxLength": 64}},
    "env": {"description": "The environment's name.", "schema": {"type": "string", "maxLength": 64}},
    "advisory_id": {"description": "The advisory's id, e.g. GAS-2026-0001.",
                    "schema": {"type": "string", "maxLength": 32}},
    "plan_id": {"description": "The plan's number.", "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}},
    "name": {"description": "A TUF metadata document: <version>.<role>.json or timestamp.json.",
             "schema": {"type": "string", "maxLength": 40}},
    "webhook_id": {"description": "The webhook's number.", "schema": ROW_ID},
    "delivery_id": {"description": "The delivery's number.", "schema": ROW_ID},
    "initiative_id": {"description": "The initiative's number.",
                      "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}},
    "ballot_id": {"description": "The ballot's number.", "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}},
    "fingerprint": {"description": "A signing key's fingerprint: sha256 of its raw bytes, hex.",
                    "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
}
REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "If-None-Match": {"description": "The ETag of a copy you hold: 304 when it is still current.",
                      "schema": {"type": "string", "maxLength": 1000}},
}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "API-Version": {"description": "The full version of the API that answered.", "schema": {"type": "string"}},
    "Location": {"description": "Where the new resource lives.", "schema": {"type": "string"}},
    "ETag": {"description": "A tag of this answer (of a download: its sha256, quoted); send it back in "
                    "If-None-Match to be told 304 while it is current.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Who may keep the answer and for how long.", "schema": {"type": "string"}},
    "Digest": {"description": "sha-256=<base64>, the content's digest (RFC 3230).", "schema": {"type": "string"}},
    "Repr-Digest": {"description": "sha-256=:<base64>:, the content's digest (RFC 9530).",
                    "schema": {"type": "string"}},
}
TAGS = (
    ("catalogue", "Apps, their releases and what they run on: publish, find, download, yank."),
    ("profiles", "Platform profiles that releases are verified against."),
    ("organisations", "Organisations' public profiles and their verification by curators."),
    ("commercial", "Commercial modules: listings, entitlements, interest, the download log."),
    ("advisories", "Security advisories in the OSV format: which releases are vulnerable, and which fix it."),
    ("initiatives", "What municipalities plan and build together, before it is built."),
    ("installs", "A municipality's environments, install plans, bundles, installed apps and settings."),
    ("webhooks", "An organisation's subscriptions to events, signed CloudEvents posted to its URLs."),
    ("meta", "This document."),
)
_ARGUMENT = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


def document(app: Flask, *, version: str, servers: list[str]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route under /api/v1 in ``app``."""
    paths: dict[str, dict[str, Any]] = {}
    outputs: set[type[BaseModel]] = {Problem}
    inputs: set[type[BaseModel]] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        spec: Operation | None = getattr(app.view_functions[rule.endpoint], "__openapi__", None)
        if spec is None:
            raise LookupError(f"{rule.endpoint} has no @operation: describe it for the OpenAPI document.")
        path = _ARGUMENT.sub(r"{\1}", rule.rule.removeprefix(PREFIX))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(spec, rule.arguments, method)
        outputs.update(a.model for a in spec.answers.values() if a.model is not None)
        inputs.update(m for m in (spec.body,) if m is not None)
    _, schemas = models_json_schema(
        [(m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)]
        + [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)],
        ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gemeente App Store API",
            "version": version,
            "description": "Publish, verify, find and download applications for Dutch municipalities.",
            "contact": {"name": "Gemeente App Store curators", "url": "https://appstore.gemeente.example/",
                        "email": "curators@appstore.gemeente.example"},
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": url} for url in servers],
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "headers": {name: header for name, header in RESPONSE_HEADERS.items()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "An organisation's API token."}},
        },
    }


def _operation(spec: Operation, arguments: set[str], method: str) -> dict[str, Any]:
    parameters = [{"name": name, "in": "path", "required": True, **PATH_PARAMETERS[name]}
                  for name in sorted(arguments)]
    parameters += [{"name": name, "in": "header", **REQUEST_HEADERS[name]} for name in spec.headers]
    if spec.query is not None:
        parameters += _query_parameters(spec.query)
    result: dict[str, Any] = {"operationId": spec.operation_id, "tags": [spec.tag], "summary": spec.summary}
    if parameters:
        result["parameters"] = parameters
    if spec.auth != "none":
        result["security"] = [{"bearer": []}] if spec.auth == "bearer" else [{}, {"bearer": []}]
    if spec.body is not None:
        result["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(spec.body)}}}
    if spec.upload is not None:
        result["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": [spec.upload],
            "properties": {spec.upload: {"type": "string", "format": "binary"}}}}}}
    responses: dict[str, Any] = {str(status): _answer(answer) for status, answer in spec.answers.items()}
    problems = {400: BAD_REQUEST, **spec.problems}
    if spec.auth != "none":
        problems.setdefault(401, UNAUTHORISED)
    if spec.body is not None or spec.upload is not None:
        problems.setdefault(413, TOO_LARGE)
    if method != "GET":
        problems.setdefault(507, STORAGE_FULL)
    problems.setdefault(503, UNAVAILABLE)
    responses.update({str(status): _problem(text) for status, text in sorted(problems.items())})
    result["responses"] = dict(sorted(responses.items()))
    return result


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation", ref_template=REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in ("title", "default")}
        description = prop.pop("description", None)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _answer(answer: Answer) -> dict[str, Any]:
    body: dict[str, Any] = {"description": answer.description, "headers": _headers(answer.headers)}
    if answer.model is not None:
        body["content"] = {answer.media_type: {"schema": _ref(answer.model)}}
    elif answer.media_type and answer.media_type != JSON:
        body["content"] = {answer.media_type: {"schema": {"type": "string", "format": "binary"}}}
    return body


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "headers": _headers(()),
            "content": {PROBLEM_JSON: {"schema": _ref(Problem)}}}


def _headers(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in ("API-Version", *names)}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}
