"""Environments, bundles, installed apps, history, updates and adoption over the API."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.models import AuditEvent, InstallationEvent
from registry.models.core import AuditLogIsAppendOnly
from tests.conftest import add_organisation
from tests.registry.installs_support import (
    PROFILE,
    Municipality,
    bearer,
    copy_catalogue,
    municipality,
    release,
    steps,
    yank,
)


@pytest.fixture
def utrecht(request: pytest.FixtureRequest, app: Flask, client: FlaskClient) -> Municipality:
    app.config["DIMPACT_TOKEN"] = copy_catalogue(request, app)
    town = municipality(app, client)
    town.environment("test", config={"replicas": "3"})
    return town


def test_environments_are_managed_by_their_own_organisation_only(utrecht: Municipality, app: Flask,
                                                                  client: FlaskClient) -> None:
    listed = utrecht.get("").json
    assert [(e["name"], e["stage"], e["profile"], e["config"]) for e in listed["items"]] == [
        ("test", "test", PROFILE, {"replicas": "3"})]
    other = add_organisation(app, "amsterdam", "municipality")
    vendor = add_organisation(app, "acme", "vendor")
    for token in (other, vendor, app.config["DIMPACT_TOKEN"]):
        assert client.get(utrecht.base, headers=bearer(token)).status_code == 403
        assert client.get(f"{utrecht.base}/test/installations", headers=bearer(token)).status_code == 403
        assert client.get(f"{utrecht.base}/onbekend", headers=bearer(token)).status_code == 403
    assert client.get(utrecht.base).status_code == 401
    assert utrecht.get("onbekend").status_code == 404
    assert client.get("/api/v1/organisations/onbekend/environments", headers=bearer(other)).status_code == 404
    assert client.post("/api/v1/organisations/acme/environments", json={"name": "test", "stage": "test",
                       "profile": PROFILE}, headers=bearer(vendor)).status_code == 403


def test_environment_input_is_checked_all_at_once(utrecht: Municipality) -> None:
    response = utrecht.client.post(utrecht.base, json={"name": "Prod!", "stage": "live", "profile": "none",
                                                       "config": {"bad-name": "x"}}, headers=bearer(utrecht.token))
    assert response.status_code == 400
    assert {p["name"] for p in response.json["invalidParams"]} == {"name", "stage", "config.bad-name"}
    unknown_profile = utrecht.client.post(utrecht.base, json={"name": "prod", "stage": "production", "profile": "none",
                                                              "promoteFrom": "nowhere"}, headers=bearer(utrecht.token))
    assert {p["name"] for p in unknown_profile.json["invalidParams"]} == {"profile", "promoteFrom"}
    again = utrecht.client.post(utrecht.base, json={"name": "test", "stage": "test", "profile": PROFILE},
                                headers=bearer(utrecht.token))
    assert again.status_code == 409


def test_a_plan_becomes_a_bundle_and_a_record_with_history(utrecht: Municipality, app: Flask,
                                                           client: FlaskClient) -> None:
    config = [{"name": "hostname", "required": True, "example": "zaken.example.nl"},
              {"name": "replicas", "default": "2"}]
    published = release(client, app.config["DIMPACT_TOKEN"], "zaakportaal", "1.0.0", config=config,
                        apps={"open-notificaties": "^1.4"})
    utrecht.client.patch(f"{utrecht.base}/test", json={"appConfig": {"zaakportaal": {"hostname": "zaken.utrecht.nl"}}},
                         headers=bearer(utrecht.token))
    plan = utrecht.plan("test", "zaakportaal")
    bundle = utrecht.get(f"test/plans/{plan['id']}/bundle")
    assert bundle.status_code == 200, bundle.json
    items = bundle.json["items"]
    assert [(i["app"], i["version"]) for i in items] == [("open-notificaties", "1.4.0"), ("zaakportaal", "1.0.0")]
    assert items[1]["sha256"] == published["sha256"]
    rendered = {f["path"]: f["content"] for f in items[1]["files"]}
    config_map = yaml.safe_load(rendered["config.yaml"])
    assert config_map["data"] == {"host": "zaken.utrecht.nl", "replicas": "3"}
    assert "deployment.yaml" in rendered

    assert utrecht.record("test", plan).status_code == 201
    assert utrecht.record("test", plan).json["total"] == 0  # recording twice changes nothing
    installed = utrecht.get("test/installations").json["items"]
    assert [(i["app"], i["version"]) for i in installed] == [("open-notificaties", "1.4.0"), ("zaakportaal", "1.0.0")]

    upgrade = utrecht.plan("test", "open-notificaties", "1.4.0 || ^2.0")
    assert steps(upgrade) == [("open-notificaties", "1.4.0", "keep")]  # zaakportaal needs ^1.4
    removed = utrecht.client.delete(f"{utrecht.base}/test/installations/zaakportaal", headers=bearer(utrecht.token))
    assert removed.status_code == 204
    history = utrecht.get("test/history").json["items"]
    assert [(h["app"], h["action"], h["version"]) for h in history] == [
        ("open-notificaties", "installed", "1.4.0"), ("zaakportaal", "installed", "1.0.0"),
        ("zaakportaal", "removed", "1.0.0")]
    assert all(h["actor"].startswith("utrecht:token-") for h in history)
    with database(app).session() as session:
        actions = {e.action for e in session.query(AuditEvent)}
        assert {"environment.create", "environment.change", "installation.installed",
                "installation.remove"} <= actions
        event = session.query(InstallationEvent).first()
        event.action = "upgraded"
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()  # the block is a unit of work: it would commit the attempt on leaving


def test_a_plan_that_is_not_ready_has_no_bundle(utrecht: Municipality) -> None:
    plan = utrecht.plan("test", "klantportaal")
    assert utrecht.get(f"test/plans/{plan['id']}/bundle").status_code == 409
    assert utrecht.record("test", plan).status_code == 409
    assert utrecht.get("test/plans/999999").status_code == 404


def test_updates_list_newer_releases_and_yanked_installs(utrecht: Municipality, app: Flask,
                                                         client: FlaskClient) -> None:
    token = app.config["DIMPACT_TOKEN"]
    utrecht.install("test", "open-notificaties", "1.4.0")
    release(client, token, "open-notificaties", "1.4.1", provides={"notificaties": "1.0.0"})
    release(client, token, "open-notificaties", "1.4.2", provides={"notificaties": "1.0.0"}, needs_redis=True)
    yank(client, token, "open-notificaties", "1.4.0", "Berichten raken kwijt.")
    updates = utrecht.get("test/updates").json
    assert updates["needsAttention"] == 1
    (item,) = updates["items"]
    # 1.4.2 does not run on the profile, 1.5.0 is yanked, 1.6.0 needs redis, 2.1.0-rc.1 is a pre-release.
    assert (item["installed"], item["patch"], item["minor"], item["major"]) == ("1.4.0", "1.4.1", None, "2.0.0")
    assert item["yank"]["reason"] == "Berichten raken kwijt."
    assert utrecht.get("test/installations").json["items"][0]["yank"]["reason"] == "Berichten raken kwijt."


def test_adoption_counts_production_and_names_only_those_who_agree(utrecht: Municipality, app: Flask,
                                                                    client: FlaskClient) -> None:
    utrecht.install("test", "open-notificaties", "1.4.0")
    assert client.get("/api/v1/apps/open-notificaties").json["adoption"] == {"count": 0, "names": []}
    utrecht.environment("productie", "production")
    utrecht.install("productie", "open-notificaties", "1.4.0")
    amsterdam = municipality(app, client, "amsterdam")
    amsterdam.environment("prod", "production")
    amsterdam.install("prod", "open-notificaties", "2.0.0")
    assert client.get("/api/v1/apps/open-notificaties").json["adoption"] == {"count": 2, "names": []}
    settings = "/api/v1/organisations/amsterdam/settings"
    assert client.get(settings, headers=bearer(amsterdam.token)).json["showInAdoption"] is False
    assert client.put(settings, json={"showInAdoption": True}, headers=bearer(amsterdam.token)).status_code == 200
    assert client.put(settings, json={"showInAdoption": True}, headers=bearer(utrecht.token)).status_code == 403
    assert client.put(settings, json={"show": 1}, headers=bearer(amsterdam.token)).status_code == 400
    assert client.get("/api/v1/apps/open-notificaties").json["adoption"] == {"count": 2, "names": ["Amsterdam"]}


def test_an_environment_is_archived_only_when_empty(utrecht: Municipality) -> None:
    utrecht.install("test", "open-notificaties", "1.4.0")
    url = f"{utrecht.base}/test"
    assert utrecht.client.delete(url, headers=bearer(utrecht.token)).status_code == 409
    utrecht.client.delete(f"{url}/installations/open-notificaties", headers=bearer(utrecht.token))
    assert utrecht.client.delete(url, headers=bearer(utrecht.token)).status_code == 204
    assert utrecht.get("test").status_code == 404
    assert utrecht.get("").json["total"] == 0


def test_a_single_release_can_be_recorded(utrecht: Municipality) -> None:
    url = f"{utrecht.base}/test/installations"
    response = utrecht.client.post(url, json={"app": "open-zaak", "version": "1.2.0"}, headers=bearer(utrecht.token))
    assert response.status_code == 201
    assert response.json["items"][0]["action"] == "installed"
    assert utrecht.client.post(url, json={"app": "open-zaak", "version": "9.9.9"},
                               headers=bearer(utrecht.token)).status_code == 404
    assert utrecht.client.post(url, json={"plan": True}, headers=bearer(utrecht.token)).status_code == 400
