"""The NL API Design Rules: the served OpenAPI document passes their linter
(Logius' Spectral ruleset; any error fails and is listed with its rule, path
and message, warnings are printed only), and the server does what the rules ask
beyond the document: the API-Version header, no trailing slashes, camelCase keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from registry.api import API_VERSION
from registry.db import database
from tests import factories
from tests.api_design_rules.linting import LinterMissing, errors, lint, others, parse, summary
from tests.conftest import IN_CI, add_organisation, make_app
from tests.registry.test_publish_api import publish


def test_served_document_follows_the_api_design_rules(sqlite_app: Flask) -> None:
    answer = sqlite_app.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    try:
        violations = lint(answer.get_json())
    except LinterMissing as missing:
        if IN_CI:
            pytest.fail(f"{missing} (CI must run the API Design Rules linter)")
        pytest.skip(str(missing))
    if others(violations):
        print(summary(others(violations)))
    failing = errors(violations)
    if failing:
        pytest.fail(
            "The OpenAPI document breaks the API Design Rules; change the document "
            "(or the server) until the linter reports no error.\n" + summary(failing),
            pytrace=False,
        )



def test_findings_name_rule_path_and_message_and_only_errors_fail() -> None:
    # Two results as Spectral's JSON output gives them (severity 0 is an error, 1 a warning).
    violations = parse(
        '[{"code": "nlgov:schema-camel-case", "severity": 1, "path": ["components", "schemas", "my_app"],'
        ' "message": "Schema name should be UpperCamelCase"},'
        ' {"code": "nlgov:missing-header", "severity": 0, "path": ["paths", "/apps", "get", "responses", "200"],'
        ' "message": "Return the full version number in a response header."}]'
    )
    assert [(v.severity, v.rule) for v in errors(violations)] == [("error", "nlgov:missing-header")]
    assert [v.rule for v in others(violations)] == ["nlgov:schema-camel-case"]
    listed = summary(violations)
    assert "nlgov:missing-header (1x): Return the full version number in a response header." in listed
    assert "at paths./apps.get.responses.200" in listed
    assert listed.index("nlgov:missing-header") < listed.index("nlgov:schema-camel-case")

# What the rules ask of the server itself, beyond the document.

CAMEL_CASE = re.compile(r"[a-z][a-zA-Z0-9]*")
# Echoes of documents the author wrote; their keys follow their own standards.
AUTHOR_CONTENT = {"manifest", "publiccode"}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, str]]:
    """A registry with one published release, and a token of its publisher."""
    folder = tmp_path_factory.mktemp("api-design-rules")
    app = make_app(folder / "data", f"sqlite:///{folder / 'registry.db'}")
    token = add_organisation(app, "dimpact")
    client = app.test_client()
    assert publish(client, token, factories.package()).status_code == 201
    yield client, token
    database(app).dispose()


def answers(client: FlaskClient, token: str) -> Iterator[tuple[str, TestResponse]]:
    """Answers of every kind: found, listed, downloaded, not modified, refused,
    invalid, and the 404 and 405 that routing gives before any view runs."""
    release = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0"
    yield "list", client.get("/api/v1/apps")
    yield "release", client.get(release)
    yield "document", client.get("/api/v1/openapi.json")
    download = client.get(f"{release}/package")
    yield "download", download
    yield "not modified", client.get(f"{release}/package", headers={"If-None-Match": download.headers["ETag"]})
    yield "head", client.head("/api/v1/apps")
    yield "bad query", client.get("/api/v1/apps?page=first")
    yield "no token", client.post("/api/v1/releases")
    yield "findings", publish(client, token, factories.package(factories.manifest(version="2.0.0", license=None)))
    yield "unknown app", client.get("/api/v1/apps/no-such-app")
    yield "unknown path", client.get("/api/v1/no-such-collection")
    yield "trailing slash", client.get("/api/v1/apps/")
    yield "wrong method", client.delete("/api/v1/apps")


ANSWER_STATUSES = {
    "list": 200, "release": 200, "document": 200, "download": 200, "not modified": 304, "head": 200,
    "bad query": 400, "no token": 401, "findings": 422, "unknown app": 404, "unknown path": 404,
    "trailing slash": 404, "wrong method": 405,
}


def test_every_api_answer_sends_the_api_version(registry: tuple[FlaskClient, str]) -> None:
    given = dict(answers(*registry))
    assert {name: answer.status_code for name, answer in given.items()} == ANSWER_STATUSES
    missing = [f"{name} ({answer.status_code})" for name, answer in given.items()
               if answer.headers.get("API-Version") != API_VERSION]
    assert not missing, f"answers without API-Version: {API_VERSION}: {', '.join(missing)}"
    # The rule's test: the header is the version that the document states.
    assert given["document"].get_json()["info"]["version"] == API_VERSION


def test_urls_with_a_trailing_slash_are_not_found(registry: tuple[FlaskClient, str]) -> None:
    client, _token = registry
    for path in ("/api/v1/apps/", "/api/v1/apps/zaakafhandelcomponent/", "/api/v1/profiles/", "/api/v1/openapi.json/"):
        answer = client.get(path)
        # Not a redirect either: a client that adds the slash learns it at once.
        assert answer.status_code == 404, path
        assert answer.mimetype == "application/problem+json", path


def test_json_keys_are_lower_camel_case(registry: tuple[FlaskClient, str]) -> None:
    wrong: list[str] = []
    for name, answer in answers(*registry):
        if answer.is_json and answer.data and name != "document":  # the OpenAPI document's keys are its standard's
            wrong += [f"{name}: {key}" for key in keys_not_camel_case(answer.get_json())]
    assert not wrong, f"keys not in lowerCamelCase: {wrong}"


def keys_not_camel_case(value: object, path: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not CAMEL_CASE.fullmatch(key):
                yield f"{path}.{key}"
            if key not in AUTHOR_CONTENT:
                yield from keys_not_camel_case(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from keys_not_camel_case(inner, f"{path}[{index}]")


def test_any_site_may_read_the_openapi_document_and_only_that(registry: tuple[FlaskClient, str]) -> None:
    client, _token = registry
    origin = {"Origin": "https://petstore.swagger.example"}
    assert client.get("/api/v1/openapi.json", headers=origin).headers.get("Access-Control-Allow-Origin") == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/apps", headers=origin).headers
