"""The pages of a municipality's environments and install plans, through
Flask's test client: who gets in (status codes), planning and recording."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.registry.installs_support import Municipality, bearer, copy_catalogue, municipality
from tests.web.helpers import add_person, csrf_token, sign_in

ENV = "/organisations/utrecht/environments/test"


@pytest.fixture
def utrecht(request: pytest.FixtureRequest, app: Flask, client: FlaskClient) -> Municipality:
    """A catalogue, the municipality `utrecht` with environment `test`, a second
    municipality `zeist` with its own, and people of each."""
    copy_catalogue(request, app)
    own = municipality(app, client, "utrecht")
    own.environment("test")
    municipality(app, client, "zeist").environment("geheim")
    add_person(app, "eva@utrecht.example", "utrecht", "owner")
    add_person(app, "lid@utrecht.example", "utrecht", "member")
    add_person(app, "piet@zeist.example", "zeist", "owner")
    return own


def plan(client: FlaskClient, app_id: str, **fields: str) -> str:
    """Make a plan through the form; returns the plan page's path."""
    token = csrf_token(client, ENV)
    response = client.post(f"{ENV}/plans", data={"app": app_id, "version": "", "csrf_token": token, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert re.fullmatch(rf"{ENV}/plans/\d+", response.location)
    return response.location


@pytest.mark.parametrize("path", [ENV, f"{ENV}/plans/1", "/organisations/utrecht/environments/nothing"])
def test_anonymous_people_are_sent_to_sign_in(client: FlaskClient, utrecht: Municipality, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


@pytest.mark.parametrize("path", [ENV, f"{ENV}/plans/1", "/organisations/utrecht/environments/nothing"])
def test_another_organisation_gets_403_whether_or_not_it_exists(client: FlaskClient, utrecht: Municipality,
                                                                 path: str) -> None:
    sign_in(client, "piet@zeist.example")
    assert client.get(path).status_code == 403


def test_another_organisation_cannot_plan_or_record(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    plan_path = plan(client, "open-zaak")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "piet@zeist.example")
    token = csrf_token(client, "/")
    assert client.post(f"{ENV}/plans", data={"app": "open-zaak", "csrf_token": token}).status_code == 403
    assert client.post(f"{plan_path}/record", data={"csrf_token": token}).status_code == 403


def test_organisation_page_lists_environments_only_for_members(client: FlaskClient, utrecht: Municipality) -> None:
    assert ENV not in client.get("/organisations/utrecht").get_data(as_text=True)
    sign_in(client, "piet@zeist.example")
    assert ENV not in client.get("/organisations/utrecht").get_data(as_text=True)
    assert "/organisations/zeist/environments/geheim" in client.get("/organisations/zeist").get_data(as_text=True)


def test_member_sees_the_environment_and_unknown_ones_are_404(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "lid@utrecht.example")
    assert client.get(ENV).status_code == 200
    assert client.get("/organisations/utrecht/environments/nothing").status_code == 404
    assert client.get(f"{ENV}/plans/999").status_code == 404


def test_owner_plans_and_records_and_sees_it_installed(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    plan_path = plan(client, "open-zaak", version="^1.2")
    assert client.get(plan_path).status_code == 200
    response = client.post(f"{plan_path}/record", data={"csrf_token": csrf_token(client, plan_path)})
    assert response.status_code == 302
    installed = {i["app"]: i["version"] for i in utrecht.get("test/installations").json["items"]}
    assert installed == {"open-zaak": "1.2.0", "open-notificaties": "1.4.0"}
    assert client.get(ENV).status_code == 200
    again = client.post(f"{plan_path}/record", data={"csrf_token": csrf_token(client, plan_path)})
    assert again.status_code == 302  # recording twice changes nothing


def test_a_member_plans_but_only_managers_record(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "lid@utrecht.example")
    plan_path = plan(client, "open-zaak")
    assert client.post(f"{plan_path}/record", data={"csrf_token": csrf_token(client, plan_path)}).status_code == 403
    assert utrecht.get("test/installations").json["total"] == 0


def test_a_bad_version_range_is_shown_on_the_form(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    token = csrf_token(client, ENV)
    response = client.post(f"{ENV}/plans", data={"app": "open-zaak", "version": "any new one", "csrf_token": token})
    assert response.status_code == 400


def test_choosing_a_provider_plans_again(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    first = plan(client, "klantportaal")
    assert client.get(first).status_code == 200
    chosen = plan(client, "klantportaal", **{"choice-zgw-catalogi": "catalogi-plus"})
    assert chosen != first
    made = utrecht.get(f"test/plans/{chosen.rsplit('/', 1)[1]}").json
    assert made["status"] == "ready" and made["request"]["choices"] == {"zgw-catalogi": "catalogi-plus"}


def test_an_unknown_app_is_404(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    token = csrf_token(client, ENV)
    assert client.post(f"{ENV}/plans", data={"app": "no-such-app", "csrf_token": token}).status_code == 404


def test_a_yanked_install_shows_its_reason_and_updates(client: FlaskClient, utrecht: Municipality) -> None:
    recorded = utrecht.client.post(f"{utrecht.base}/test/installations", headers=bearer(utrecht.token),
                                   json={"app": "open-notificaties", "version": "1.5.0"})
    assert recorded.status_code == 201, recorded.json
    sign_in(client, "lid@utrecht.example")
    response = client.get(ENV)
    assert response.status_code == 200
    assert "Berichten raken kwijt" in response.get_data(as_text=True)  # the publisher's reason, as written


def test_a_secret_shows_by_name_and_reference_and_the_namespace_rule_is_told(
        client: FlaskClient, utrecht: Municipality) -> None:
    reference = {"secretName": "utrecht-zaken", "key": "password"}
    changed = client.patch(f"{utrecht.base}/test", json={"appConfig": {"open-zaak": {"dbPassword": reference}},
                                                          "namespaces": {"prefix": "test-"}},
                           headers=bearer(utrecht.token))
    assert changed.status_code == 200, changed.json
    sign_in(client, "lid@utrecht.example")
    page = client.get(ENV, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "&lt;secret: dbPassword&gt;" in page and "uit Secret utrecht-zaken, sleutel password" in page
    assert "Elke app komt in een eigen namespace: test-APP-ID." in page
