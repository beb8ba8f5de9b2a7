"""The OpenAPI document is made from the routes and their models, validates as OpenAPI 3.1,
and describes the implementation: schemathesis generates requests for every operation and
checks each answer against the document (no 5xx, no undocumented status)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from registry.api import api
from registry.api.openapi import api_document
from registry.db import database
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.registry.test_publish_api import publish


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    folder: Path = tmp_path_factory.mktemp("openapi")
    app = make_app(folder / "data", f"sqlite:///{folder / 'registry.db'}")
    token = add_organisation(app, "dimpact")
    assert publish(app.test_client(), token, factories.package()).status_code == 201
    app.config["TEST_TOKEN"] = token
    yield app
    database(app).dispose()


@pytest.fixture(scope="module")
def api_schema(seeded_app):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded_app)


def _bare_app() -> Flask:
    """The API's routes alone: enough to make the document, at collection time."""
    app = Flask(__name__)
    app.register_blueprint(api)
    return app


# The operations are known without a database: the document comes from the routes.
# Schemathesis leaves out the document's own path; the route test covers it.
OPERATIONS = [
    r.ok().label for r in schemathesis.openapi.from_dict(api_document(_bare_app())).get_all_operations()
    if r.ok().path != "/openapi.json"
]


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_documented(label: str, api_schema, seeded_app) -> None:  # type: ignore[no-untyped-def]
    operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)
    headers = {}
    if operation.method.upper() == "POST":
        headers["Authorization"] = f"Bearer {seeded_app.config['TEST_TOKEN']}"

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answers_as_documented(case) -> None:  # type: ignore[no-untyped-def]
        # Every default check: no 5xx, documented status codes, content types,
        # headers and bodies that match the document.
        # Positive-data acceptance is left out: a schema cannot say what makes
        # an uploaded archive valid, so random bytes rightly get a 422.
        case.call_and_validate(headers=headers, excluded_checks=[schemathesis.checks.positive_data_acceptance])

    answers_as_documented()


def test_document_lists_every_route(seeded_app) -> None:  # type: ignore[no-untyped-def]
    documented = set(seeded_app.test_client().get("/api/v1/openapi.json").json["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in seeded_app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == documented


def test_the_document_is_valid_openapi_3_1_and_says_what_the_design_rules_ask(seeded_app) -> None:  # type: ignore[no-untyped-def]
    response = seeded_app.test_client().get("/api/v1/openapi.json")
    document = response.json
    validate(document)  # raises on anything that is not OpenAPI 3.1
    assert document["openapi"] == "3.1.0"
    assert set(document["info"]["contact"]) >= {"name", "url", "email"}
    assert response.headers["API-Version"] == document["info"]["version"]
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"] and operation["tags"], where
            assert "400" in operation["responses"], where
            for status, answer in operation["responses"].items():
                assert "API-Version" in answer["headers"], f"{where} {status}"
                for content in answer.get("content", {}).values():
                    ref = content["schema"].get("$ref", "")
                    assert not ref or ref.rsplit("/", 1)[-1] in schemas, f"{where} {status}: {ref}"
