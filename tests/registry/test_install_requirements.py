"""Install plans with the requirements real apps have: optional and alternative APIs,
external APIs and services the municipality brings, and plugins of a host app."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.registry.installs_support import (
    Municipality,
    bearer,
    release,
    steps,
)


def publish(app: Flask, app_id: str, version: str = "1.0.0", **keys: Any) -> None:
    release(app.test_client(), app.config["DIMPACT_TOKEN"], app_id, version, **keys)


def change(town: Municipality, env: str, **fields: Any) -> Any:
    return town.client.patch(f"{town.base}/{env}", json=fields, headers=bearer(town.token))


def english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def codes(plan: dict[str, Any]) -> list[str]:
    return [p["code"] for p in plan["problems"]]


def test_an_optional_api_never_blocks_and_is_used_when_a_provider_runs(utrecht: Municipality, app: Flask) -> None:
    publish(app, "zaakrapportage", requires={"apis": [
        {"api": "zgw-catalogi", "version": "^1.0", "optional": True},
        {"api": "nobody-provides-this", "optional": True}]})
    # Two apps provide zgw-catalogi, none runs yet: no choice asked, nothing extra installed.
    plan = utrecht.plan("test", "zaakrapportage")
    assert plan["status"] == "ready" and steps(plan) == [("zaakrapportage", "1.0.0", "install")]
    utrecht.install("test", "catalogi-plus")
    plan = utrecht.plan("test", "zaakrapportage")
    assert plan["status"] == "ready"
    assert steps(plan) == [("catalogi-plus", "1.0.0", "keep"), ("zaakrapportage", "1.0.0", "install")]
    assert "zaakrapportage 1.0.0 (API zgw-catalogi ^1.0)" in plan["steps"][0]["requiredBy"]


def test_any_one_of_alternative_apis_will_do(utrecht: Municipality, app: Flask) -> None:
    publish(app, "zaakviewer", requires={"apis": [{"anyOf": [
        {"api": "zgw-zaken", "version": "^2.0"}, {"api": "zgw-zaken", "version": "^1.0"}]}]})
    plan = utrecht.plan("test", "zaakviewer")
    assert plan["status"] == "ready"
    assert steps(plan) == [("open-notificaties", "1.4.0", "install"), ("open-zaak", "1.2.0", "install"),
                           ("zaakviewer", "1.0.0", "install")]
    assert "zaakviewer 1.0.0 (API zgw-zaken ^1.0)" in plan["steps"][1]["requiredBy"]


def test_alternatives_prefer_what_runs_and_say_why_none_fits(utrecht: Municipality, app: Flask) -> None:
    publish(app, "catalogusbeheer", requires={"apis": [{"anyOf": [
        {"api": "zgw-zaken", "version": "^1.0"}, {"api": "zgw-catalogi", "version": "^1.1"}]}]})
    utrecht.install("test", "catalogi-plus")
    # catalogi-plus runs and provides the second alternative: open-zaak is not installed for the first.
    plan = utrecht.plan("test", "catalogusbeheer")
    assert plan["status"] == "ready" and ("open-zaak", "1.2.0", "install") not in steps(plan)
    publish(app, "onmogelijk", requires={"apis": [{"anyOf": [{"api": "zgw-zaken", "version": "^9"},
                                                              {"api": "brp-bevragen"}]}]})
    plan = utrecht.plan("test", "onmogelijk")
    assert plan["status"] == "impossible"
    assert "needs one of API zgw-zaken ^9 or API brp-bevragen" in plan["problems"][0]["message"]


def test_external_apis_and_services_wait_for_the_municipality(utrecht: Municipality, app: Flask) -> None:
    publish(app, "brp-koppeling", requires={"external": [
        {"api": "brp", "description": "Basisregistratie Personen"},
        {"service": "rabbitmq", "config": "RABBITMQ_URL"}]})
    plan = utrecht.plan("test", "brp-koppeling")
    assert plan["status"] == "blocked" and sorted(codes(plan)) == ["plan.external-api", "plan.external-service"]
    assert plan["steps"][0]["external"] == {
        "services": [{"service": "rabbitmq", "config": "RABBITMQ_URL", "set": False}],
        "apis": [{"api": "brp", "description": "Basisregistratie Personen", "confirmed": False}]}
    assert "confirmedApis" in plan["problems"][0]["message"] or "confirmedApis" in plan["problems"][1]["message"]
    response = change(utrecht, "test", confirmedApis=["brp", "kvk"], config={"RABBITMQ_URL": "amqps://mq.utrecht.nl"})
    assert response.status_code == 200, response.json
    assert response.json["confirmedApis"] == ["brp", "kvk"]
    assert utrecht.plan("test", "brp-koppeling")["status"] == "ready"


def test_confirmed_apis_are_checked(utrecht: Municipality) -> None:
    for bad in ("brp", ["BRP"], ["brp"] * 0 + [1]):
        response = change(utrecht, "test", confirmedApis=bad)
        assert response.status_code == 400
        assert [p["name"].split("[")[0] for p in response.json["invalidParams"]] == ["confirmedApis"]
    assert utrecht.get("test").json["confirmedApis"] == []


def test_a_service_the_municipality_brings_needs_its_config(utrecht: Municipality, app: Flask) -> None:
    publish(app, "zoeken", requires={"platform": {"services": [
        {"name": "elasticsearch", "provider": "municipality", "config": "ES_URL"}]}})
    plan = utrecht.plan("test", "zoeken")
    assert codes(plan) == ["plan.external-service"] and "`ES_URL`" in plan["problems"][0]["message"]
    assert change(utrecht, "test", appConfig={"zoeken": {"ES_URL": "https://es.utrecht.nl"}}).status_code == 200
    assert utrecht.plan("test", "zoeken")["status"] == "ready"


def test_a_plugin_needs_its_host_at_a_matching_version(utrecht: Municipality, app: Flask) -> None:
    publish(app, "open-formulieren", "2.1.0")
    publish(app, "open-formulieren", "3.0.0")
    publish(app, "formulieren-brp", extends={"app": "open-formulieren", "version": ">=2.0 <3"})
    plan = utrecht.plan("test", "formulieren-brp")
    assert plan["status"] == "ready"
    assert steps(plan) == [("open-formulieren", "2.1.0", "install"), ("formulieren-brp", "1.0.0", "install")]
    assert "formulieren-brp 1.0.0 (>=2.0 <3)" in plan["steps"][0]["requiredBy"]
    publish(app, "formulieren-kvk", extends={"app": "open-formulieren", "version": ">=4"})
    plan = utrecht.plan("test", "formulieren-kvk")
    assert plan["status"] == "impossible" and "no release is in that range" in plan["problems"][0]["message"]


def test_an_app_in_several_layers_is_found_and_counted_under_each(utrecht: Municipality, app: Flask,
                                                                   client: FlaskClient) -> None:
    from registry.db import database
    from registry.services.browsing import BrowseService
    from registry.services.catalogue import AppQuery

    publish(app, "zaakbrug", layer=["integration", "process"])
    found = client.get("/api/v1/apps?layer=integration").json
    assert [a["id"] for a in found["items"]] == ["zaakbrug"]
    assert found["items"][0]["layer"] == "integration" and found["items"][0]["layers"] == ["integration", "process"]
    assert "zaakbrug" in [a["id"] for a in client.get("/api/v1/apps?layer=process&pageSize=50").json["items"]]
    with database(app).session() as session:
        facets = BrowseService(session).browse(AppQuery(q="zaakbrug")).facets.layer
    assert {f.value: f.count for f in facets}["integration"] == 1
    assert {f.value: f.count for f in facets}["process"] == 1
    english(client)
    assert "Integration, Process" in client.get("/apps/zaakbrug").get_data(as_text=True)


def test_the_app_page_names_the_host_and_every_kind_of_need(utrecht: Municipality, app: Flask,
                                                             client: FlaskClient) -> None:
    publish(app, "open-formulieren", "2.1.0", name="Open Formulieren")
    publish(app, "formulieren-brp", extends={"app": "open-formulieren", "version": ">=2.0 <3"}, requires={
        "apis": [{"anyOf": [{"api": "zgw-zaken"}, {"api": "zaken-light"}], "optional": True}],
        "external": [{"api": "brp"}, {"service": "rabbitmq", "config": "RABBITMQ_URL"}],
        "platform": {"services": [{"name": "postgresql", "version": ">=14", "extensions": ["postgis"]}],
                     "operators": [{"name": "cert-manager", "version": ">=1.12"}]}})
    dutch = client.get("/apps/formulieren-brp").get_data(as_text=True)
    assert "Een plug-in voor" in dutch and "Dienst die de gemeente zelf levert" in dutch
    english(client)
    page = client.get("/apps/formulieren-brp").get_data(as_text=True)
    assert "A plugin that extends" in page and ">Open Formulieren</a>" in page
    for text in ("One of the APIs", "zaken-light", "optional: used when present", "External API", "brp",
                 "postgis", "RABBITMQ_URL", "Operator cert-manager"):
        assert text in page, text


def test_an_optional_api_asks_no_choice_when_the_plan_holds_a_provider(utrecht: Municipality, app: Flask) -> None:
    # zaakportaal needs open-zaak anyway, which also provides the optional zgw-catalogi; so does
    # catalogi-plus, but no choice between them is asked and nothing more is installed.
    publish(app, "zaakportaal", requires={"apps": [{"id": "open-zaak", "version": "^1.0"}],
                                          "apis": [{"api": "zgw-catalogi", "version": "^1.0", "optional": True}]})
    plan = utrecht.plan("test", "zaakportaal")
    assert plan["status"] == "ready"
    assert [s[0] for s in steps(plan)] == ["open-notificaties", "open-zaak", "zaakportaal"]
