"""One error path for input: every endpoint that takes JSON or query parameters answers a
request with three mistakes with one 400 problem+json whose ``invalidParams`` names all three."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry.db import database
from tests import factories
from tests.conftest import add_organisation, make_app
from tests.registry.commercial import MODULE, listing_body, open_market
from tests.registry.installs_support import PROFILE, bearer, municipality
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

ENVIRONMENTS = "/api/v1/organisations/utrecht/environments"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, str]]]:
    """A registry with a published app, a commercial module, a municipality with an environment."""
    folder: Path = tmp_path_factory.mktemp("invalid-params")
    app = make_app(folder / "data", f"sqlite:///{folder / 'registry.db'}")
    client = app.test_client()
    market = open_market(app)  # acme's module; utrecht is a municipality
    put_profile(app, profile_yaml(PROFILE, ["1.30"]))
    dimpact = add_organisation(app, "dimpact")
    assert publish(client, dimpact, factories.package()).status_code == 201
    utrecht = municipality(app, client)
    utrecht.environment("test")
    tokens = {"dimpact": dimpact, "utrecht": utrecht.token, "vendor": str(market.tokens["vendor"]),
              "curator": str(market.tokens["curator"])}
    yield app, tokens
    database(app).dispose()


#: (who, method, path, body or query, the three names `invalidParams` must hold)
CASES: dict[str, tuple[str, str, str, dict[str, Any], set[str]]] = {
    "yankRelease": ("dimpact", "POST", "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/yank",
                    {"reason": 5, "colour": "blue", "size": 2}, {"reason", "colour", "size"}),
    "createEnvironment": ("utrecht", "POST", ENVIRONMENTS,
                          {"name": "Not A Slug", "stage": "prod", "profile": PROFILE, "colour": "blue"},
                          {"name", "stage", "colour"}),
    "updateEnvironment": ("utrecht", "PATCH", f"{ENVIRONMENTS}/test",
                          {"stage": "prod", "confirmedApis": "brp", "namespaces": {"mode": "everywhere"}},
                          {"stage", "confirmedApis", "namespaces.mode"}),
    "createPlan": ("utrecht", "POST", f"{ENVIRONMENTS}/test/plans",
                   {"app": "Open Zaak", "version": "not a range", "choices": {"zgw-catalogi": 7}},
                   {"app", "version", "choices.zgw-catalogi"}),
    "recordInstallation": ("utrecht", "POST", f"{ENVIRONMENTS}/test/installations",
                           {"plan": "12", "app": "X", "when": "now"}, {"plan", "app", "when"}),
    "putOrganisationSettings": ("utrecht", "PUT", "/api/v1/organisations/utrecht/settings",
                                {"showInAdoption": "yes", "colour": "blue", "size": 2},
                                {"showInAdoption", "colour", "size"}),
    "verifyOrganisation": ("curator", "POST", "/api/v1/organisations/acme/verification",
                           {"oin": 5, "kvk": 6, "lei": "x"}, {"oin", "kvk", "lei"}),
    "putListing": ("vendor", "PUT", f"/api/v1/apps/{MODULE}/listing",
                   listing_body(pricing={"model": "per-seat"}, hosting=[], colour="blue"),
                   {"pricing.model", "hosting", "colour"}),
    "listApps": ("", "GET", "/api/v1/apps", {"page": "0", "pageSize": "1000", "layer": "roof"},
                 {"page", "pageSize", "layer"}),
    "listDownloads": ("vendor", "GET", f"/api/v1/apps/{MODULE}/downloads",
                      {"page": "first", "pageSize": "0", "q": "ignored"}, {"page", "pageSize"}),
}


@pytest.mark.parametrize("operation", sorted(CASES))
def test_every_mistake_is_named_at_once(operation: str, seeded) -> None:  # type: ignore[no-untyped-def]
    app, tokens = seeded
    who, method, path, sent, names = CASES[operation]
    headers = bearer(tokens[who]) if who else {}
    send = {"query_string": sent} if method == "GET" else {"json": sent}
    response = app.test_client().open(path, method=method, headers=headers, **send)
    assert response.status_code == 400, response.json
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["type"].endswith("/invalid-params")
    assert {p["name"] for p in problem["invalidParams"]} == names
    assert all(p["code"] and p["reason"] for p in problem["invalidParams"])
    assert problem["title"] and problem["status"] == 400 and str(len(names)) in problem["detail"]


def test_the_codes_are_stable_words(seeded) -> None:  # type: ignore[no-untyped-def]
    app, tokens = seeded
    body = {"name": "ok-name", "stage": "prod", "colour": "x", "config": {"replicas": [2]}}
    response = app.test_client().post(ENVIRONMENTS, json=body, headers=bearer(tokens["utrecht"]))
    assert {p["name"]: p["code"] for p in response.json["invalidParams"]} == {
        "stage": "enum", "colour": "unknown", "profile": "required", "config.replicas": "type"}


@pytest.mark.parametrize(("data", "code"), [("not json", "json"), ("", "required"), ("[1, 2]", "type")])
def test_a_body_that_is_no_object_is_one_problem(data: str, code: str, seeded) -> None:  # type: ignore[no-untyped-def]
    app, tokens = seeded
    response = app.test_client().put("/api/v1/organisations/utrecht/settings", data=data,
                                     content_type="application/json", headers=bearer(tokens["utrecht"]))
    assert response.status_code == 400
    assert [(p["name"], p["code"]) for p in response.json["invalidParams"]] == [("body", code)]


def test_failed_verification_stays_a_422_with_findings(seeded) -> None:  # type: ignore[no-untyped-def]
    app, tokens = seeded
    unlicensed = factories.package(factories.manifest(version="9.0.0", license=""))
    response = publish(app.test_client(), tokens["dimpact"], unlicensed)
    assert response.status_code == 422
    assert response.json["findings"] and "invalidParams" not in response.json


def test_unstorable_input_names_where_it_is(seeded) -> None:  # type: ignore[no-untyped-def]
    app, _ = seeded
    response = app.test_client().get("/api/v1/apps", query_string={"category": "a\x00b"})
    assert response.status_code == 400
    assert [(p["name"], p["code"]) for p in response.json["invalidParams"]] == [("category", "malformed")]


@pytest.mark.parametrize(("who", "method", "path", "body", "name"), [
    # A checksum the model cannot see: the service finds it after parsing, under the field it is about.
    ("curator", "POST", "/api/v1/organisations/acme/verification", {"oin": "00000001002564440001"}, "oin"),
    ("curator", "POST", "/api/v1/organisations/acme/verification", {"kvk": "00000000"}, "kvk"),
])
def test_problems_found_after_parsing_have_the_same_shape(  # type: ignore[no-untyped-def]
        who: str, method: str, path: str, body: dict[str, Any], name: str, seeded) -> None:
    app, tokens = seeded
    response = app.test_client().open(path, method=method, json=body, headers=bearer(tokens[who]))
    assert response.status_code == 400, response.json
    (param,) = response.json["invalidParams"]
    assert param["name"] == name and param["code"] == "invalid" and param["reason"] == response.json["detail"]
