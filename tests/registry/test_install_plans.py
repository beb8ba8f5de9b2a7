"""Install plans on SQLite and PostgreSQL: choices, conflicts, what is installed, promotion."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_organisation
from tests.registry.installs_support import (
    Municipality,
    bearer,
    release,
    steps,
    yank,
)


def test_dependencies_come_first_and_a_provider_in_the_plan_is_preferred(utrecht: Municipality) -> None:
    plan = utrecht.plan("test", "zaakafhandelcomponent")
    assert plan["status"] == "ready" and plan["ready"] is True
    # open-zaak provides zgw-catalogi and is in the plan anyway: no second provider is installed.
    assert steps(plan) == [("open-notificaties", "1.4.0", "install"), ("open-zaak", "1.2.0", "install"),
                           ("zaakafhandelcomponent", "1.4.0", "install")]
    zaak = plan["steps"][1]
    assert zaak["provides"] == ["zgw-catalogi"]
    assert "zaakafhandelcomponent 1.4.0 (^1.0)" in zaak["requiredBy"]
    assert all(len(s["sha256"]) == 64 and s["compatible"] is True for s in plan["steps"])


def test_yanked_and_incompatible_releases_are_never_chosen(utrecht: Municipality) -> None:
    # 1.6.0 needs redis, which the profile lacks; 1.5.0 is yanked.
    assert steps(utrecht.plan("test", "open-notificaties", "^1.4")) == [("open-notificaties", "1.4.0", "install")]
    plan = utrecht.plan("test", "open-notificaties", "1.5.0 || 1.6.0")
    assert plan["status"] == "impossible"
    message = plan["problems"][0]["message"]
    assert "1.5.0 is yanked" in message and "1.6.0 does not run on platform profile `gemeentecloud`" in message


def test_pre_releases_only_when_the_range_names_one(utrecht: Municipality) -> None:
    assert steps(utrecht.plan("test", "open-notificaties")) == [("open-notificaties", "2.0.0", "install")]
    named = utrecht.plan("test", "open-notificaties", ">=2.1.0-rc.1")
    assert steps(named) == [("open-notificaties", "2.1.0-rc.1", "install")]


def test_competing_providers_are_listed_until_the_municipality_picks(utrecht: Municipality) -> None:
    plan = utrecht.plan("test", "klantportaal")
    assert plan["status"] == "needs-choice" and plan["steps"] == []
    assert plan["choices"] == [{"api": "zgw-catalogi", "requiredBy": ["klantportaal 1.0.0"],
                                "providers": ["catalogi-plus", "open-zaak"]}]
    picked = utrecht.plan("test", "klantportaal", zgw_catalogi="open-zaak")
    assert steps(picked) == [("open-notificaties", "1.4.0", "install"), ("open-zaak", "1.2.0", "install"),
                             ("klantportaal", "1.0.0", "install")]
    other = utrecht.plan("test", "klantportaal", zgw_catalogi="catalogi-plus")
    assert steps(other) == [("catalogi-plus", "1.0.0", "install"), ("klantportaal", "1.0.0", "install")]


def test_a_provider_that_runs_already_needs_no_choice(utrecht: Municipality) -> None:
    utrecht.install("test", "catalogi-plus")
    plan = utrecht.plan("test", "klantportaal")
    assert plan["status"] == "ready"
    assert steps(plan) == [("catalogi-plus", "1.0.0", "keep"), ("klantportaal", "1.0.0", "install")]
    assert plan["steps"][0]["requiredBy"] == ["klantportaal 1.0.0 (API zgw-catalogi ^1.0)"]


def test_conflicts_are_explained_in_plain_words(utrecht: Municipality) -> None:
    plan = utrecht.plan("test", "meldingen")
    assert plan["status"] == "impossible" and plan["steps"] == []
    assert [p["message"] for p in plan["problems"]] == [
        "open-notificaties ^2.0 is required by meldingen 1.0.0, but open-zaak 1.2.0 needs >=1.4.0 <2.0.0."]


def test_what_is_installed_is_kept_and_not_broken(utrecht: Municipality, app: Flask, client: FlaskClient) -> None:
    utrecht.install("test", "open-zaak")
    # A new open-notificaties would fit the request, but open-zaak (installed) needs <2.0.0.
    plan = utrecht.plan("test", "open-notificaties")
    assert plan["status"] == "ready"
    assert steps(plan) == [("open-notificaties", "1.4.0", "keep")]
    conflict = utrecht.plan("test", "open-notificaties", "^2.0")
    assert conflict["status"] == "impossible"
    assert conflict["problems"][0]["message"] == (
        "open-notificaties ^2.0 is required by your request, but open-zaak 1.2.0 needs >=1.4.0 <2.0.0.")
    # An installed app that can move along is upgraded in the same plan.
    token = app.config["DIMPACT_TOKEN"]
    release(client, token, "open-zaak", "1.3.0", apps={"open-notificaties": ">=1.4.0 <3.0.0"},
            provides={"zgw-catalogi": "1.0.0"})
    upgrade = utrecht.plan("test", "open-notificaties", "^2.0")
    assert steps(upgrade) == [("open-notificaties", "2.0.0", "upgrade"), ("open-zaak", "1.3.0", "upgrade")]


def test_installed_dependency_is_preferred_over_a_newer_one(utrecht: Municipality, app: Flask,
                                                            client: FlaskClient) -> None:
    utrecht.install("test", "open-notificaties", "1.4.0")
    release(client, app.config["DIMPACT_TOKEN"], "open-notificaties", "1.7.0", provides={"notificaties": "1.0.0"})
    plan = utrecht.plan("test", "open-zaak")
    assert steps(plan) == [("open-notificaties", "1.4.0", "keep"), ("open-zaak", "1.2.0", "install")]
    assert plan["steps"][0]["requiredBy"] == ["open-zaak 1.2.0 (>=1.4.0 <2.0.0)"]


def test_upgrade_goes_through_the_same_plan(utrecht: Municipality, app: Flask, client: FlaskClient) -> None:
    utrecht.install("test", "open-notificaties", "1.4.0")
    plan = utrecht.plan("test", "open-notificaties", "^2.0")
    assert steps(plan) == [("open-notificaties", "2.0.0", "upgrade")]
    assert plan["steps"][0]["installedVersion"] == "1.4.0"


def test_promotion_requires_the_release_to_have_run_in_the_earlier_environment(utrecht: Municipality) -> None:
    utrecht.environment("productie", "production", promoteFrom="test")
    plan = utrecht.plan("productie", "open-notificaties", "1.4.0")
    assert plan["status"] == "blocked"
    assert plan["steps"][0]["promotion"] == {"from": "test", "met": False}
    assert "has not run in `test` yet" in plan["problems"][0]["message"]
    assert utrecht.record("productie", plan).status_code == 409
    utrecht.install("test", "open-notificaties", "1.4.0")
    again = utrecht.plan("productie", "open-notificaties", "1.4.0")
    assert again["status"] == "ready" and again["steps"][0]["promotion"] == {"from": "test", "met": True}


def test_missing_config_values_block_the_plan(utrecht: Municipality, app: Flask, client: FlaskClient) -> None:
    config = [{"name": "hostname", "required": True, "example": "zaken.example.nl"},
              {"name": "replicas", "default": "2"}]
    release(client, app.config["DIMPACT_TOKEN"], "zaakportaal", "1.0.0", config=config)
    plan = utrecht.plan("test", "zaakportaal")
    assert plan["status"] == "blocked"
    assert plan["steps"][0]["missingConfig"] == [
        {"app": "zaakportaal", "name": "hostname", "description": "", "example": "zaken.example.nl"}]
    response = utrecht.client.patch(f"{utrecht.base}/test", json={"appConfig": {"zaakportaal": {
        "hostname": "zaken.utrecht.nl"}}}, headers=bearer(utrecht.token))
    assert response.status_code == 200, response.json
    assert utrecht.plan("test", "zaakportaal")["status"] == "ready"


def test_commercial_modules_need_an_entitlement(utrecht: Municipality, app: Flask, client: FlaskClient) -> None:
    vendor = add_organisation(app, "acme", "vendor")
    release(client, vendor, "acme-zaken", "1.0.0", publisher="acme", license="LicenseRef-Proprietary")
    plan = utrecht.plan("test", "acme-zaken")
    assert plan["status"] == "blocked"
    assert plan["problems"][0]["message"] == "acme-zaken 1.0.0 needs an entitlement from acme."


def test_a_yanked_installed_release_is_replaced_when_the_app_is_planned(utrecht: Municipality, app: Flask) -> None:
    utrecht.install("test", "open-notificaties", "1.4.0")
    yank(utrecht.client, app.config["DIMPACT_TOKEN"], "open-notificaties", "1.4.0", "Lek; gebruik 2.0.0.")
    plan = utrecht.plan("test", "open-notificaties")
    assert steps(plan) == [("open-notificaties", "2.0.0", "upgrade")]


def test_unknown_apps_and_bad_requests_are_refused(utrecht: Municipality) -> None:
    url = f"{utrecht.base}/test/plans"
    headers = bearer(utrecht.token)
    assert utrecht.client.post(url, json={"app": "bestaat-niet"}, headers=headers).status_code == 404
    assert utrecht.client.post(url, json={"app": "open-zaak", "version": "nieuw"}, headers=headers).status_code == 400
    assert utrecht.client.post(url, json=["open-zaak"], headers=headers).status_code == 400
    missing = utrecht.plan("test", "zaakafhandelcomponent", zgw_catalogi="bestaat-niet")
    assert missing["status"] == "impossible"
