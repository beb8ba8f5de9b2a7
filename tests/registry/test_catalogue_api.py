"""Listing, searching and reading apps over the API."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish


def publish_app(client: FlaskClient, token: str, **manifest: object) -> None:
    response = publish(client, token, factories.package(factories.manifest(**manifest)))
    assert response.status_code == 201, response.json


def seed(app: Flask, client: FlaskClient) -> None:
    dimpact = add_organisation(app, "dimpact")
    voorbeeld = add_organisation(app, "voorbeeldstad", "municipality")
    publish_app(client, dimpact)
    publish_app(client, dimpact, id="open-formulieren", name="Open Formulieren", layer="interaction",
                summary="Formulieren voor inwoners", categories=["forms"])
    publish_app(client, voorbeeld, id="objecten", name="Objecten", layer="data", publisher="voorbeeldstad",
                summary="Objecten opslaan", categories=["data-collection"], license="MIT")


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_filters_and_search(app: Flask, client: FlaskClient) -> None:
    seed(app, client)
    assert sorted(ids(client.get("/api/v1/apps"))) == ["objecten", "open-formulieren", "zaakafhandelcomponent"]
    assert ids(client.get("/api/v1/apps?layer=data")) == ["objecten"]
    assert ids(client.get("/api/v1/apps?category=forms")) == ["open-formulieren"]
    assert ids(client.get("/api/v1/apps?publisher=voorbeeldstad")) == ["objecten"]
    assert ids(client.get("/api/v1/apps?license=MIT")) == ["objecten"]
    assert sorted(ids(client.get("/api/v1/apps?license=open"))) == ["objecten", "open-formulieren",
                                                                      "zaakafhandelcomponent"]
    assert ids(client.get("/api/v1/apps?q=formulieren")) == ["open-formulieren"]
    # Words are matched in the publiccode.yml description too, and all must match.
    assert ids(client.get("/api/v1/apps?q=documenten+koppelen")) != []
    assert ids(client.get("/api/v1/apps?q=formulieren+zzzz")) == []
    # Search text is matched literally: LIKE wildcards do not leak through.
    assert ids(client.get("/api/v1/apps?q=%25")) == []


def test_pagination_counts_the_total(app: Flask, client: FlaskClient) -> None:
    seed(app, client)
    first = client.get("/api/v1/apps?pageSize=2&page=1").json
    second = client.get("/api/v1/apps?pageSize=2&page=2").json
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_bad_parameters_are_400_problems(client: FlaskClient) -> None:
    for query in ("page=0", "pageSize=1000", "page=abc", "layer=presentation", "q=" + "x" * 300):
        response = client.get(f"/api/v1/apps?{query}")
        assert response.status_code == 400, query
        assert response.content_type == "application/problem+json"
        assert response.json["detail"]


def test_app_and_release_pages(app: Flask, client: FlaskClient, token: str) -> None:
    publish_app(client, token)
    publish_app(client, token, version="1.5.0-rc.1")
    app_body = client.get("/api/v1/apps/zaakafhandelcomponent").json
    assert [r["version"] for r in app_body["releases"]] == ["1.5.0-rc.1", "1.4.0"]
    release = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.5.0-rc.1").json
    assert release["manifest"]["version"] == "1.5.0-rc.1"
    assert release["publiccode"]["descriptions"]["nl"]["features"]
    assert "version.prerelease" in [f["code"] for f in release["findings"]]
    assert client.get("/api/v1/apps/nope-nope").status_code == 404
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/9.9.9").status_code == 404


def test_yank_marks_release_and_latest_moves_back(app: Flask, client: FlaskClient, token: str) -> None:
    publish_app(client, token)
    publish_app(client, token, version="1.5.0")
    auth = {"Authorization": f"Bearer {token}"}
    url = "/api/v1/apps/zaakafhandelcomponent/releases/1.5.0/yank"
    assert client.post(url, json={"reason": ""}, headers=auth).status_code == 400
    assert client.post(url, json={"reason": "Lek"}).status_code == 401
    other = add_organisation(app, "wigo4it")
    assert client.post(url, json={"reason": "Lek"}, headers={"Authorization": f"Bearer {other}"}).status_code == 403
    response = client.post(url, json={"reason": "Gegevenslek; gebruik 1.4.0"}, headers=auth)
    assert response.status_code == 200
    assert response.json["status"] == "yanked"
    assert response.json["yank"]["reason"] == "Gegevenslek; gebruik 1.4.0"
    assert client.post(url, json={"reason": "nogmaals"}, headers=auth).status_code == 409
    assert client.get("/api/v1/apps/zaakafhandelcomponent").json["latestVersion"] == "1.4.0"
    # A yanked release stays downloadable.
    download = client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.5.0/package")
    assert download.status_code == 200


def test_api_answers_carry_the_api_version_header(client: FlaskClient) -> None:
    for path in ("/api/v1/apps", "/api/v1/apps/none-such", "/api/v1/openapi.json"):
        assert client.get(path).headers.get("API-Version") == "1.0.0"
