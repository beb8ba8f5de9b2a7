"""The adviser's pages through Flask's test client: planning from an app's page,
filling in a plan's missing values (secrets only as references), downloading
its bundle, environments made and changed in the browser, and signing in that
returns to where one came from."""

from __future__ import annotations

import html
import io
import re
import tarfile

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.models import Environment
from tests.conftest import add_organisation
from tests.registry.installs_support import PROFILE, Municipality, municipality, release
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.web.helpers import PASSWORD, add_person, csrf_token, sign_in

ENV = "/organisations/utrecht/environments/test"
KLUIS_CONFIG = [{"name": "hostname", "required": True, "example": "kluis.gemeente.example"},
                {"name": "replicas", "default": "2"},
                {"name": "dbPassword", "required": True, "secret": True, "description": "Database password"}]


@pytest.fixture
def app(sqlite_app: Flask) -> Flask:
    """SQLite only: the subject here is pages, not storage."""
    return sqlite_app


@pytest.fixture
def utrecht(app: Flask, client: FlaskClient) -> Municipality:
    """Two apps: `kluis` needs open-notificaties, a hostname and a secret; the municipality
    `utrecht` with environment `test`, its owner and a member."""
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    token = add_organisation(app, "dimpact")
    release(client, token, "open-notificaties", "1.4.0", provides={"notificaties": "1.0.0"})
    release(client, token, "kluis", "1.0.0", apps={"open-notificaties": ">=1.4.0 <2.0.0"}, config=KLUIS_CONFIG)
    own = municipality(app, client, "utrecht")
    own.environment("test")
    add_person(app, "eva@utrecht.example", "utrecht", "owner")
    add_person(app, "lid@utrecht.example", "utrecht", "member")
    return own


def plan_id(location: str) -> str:
    found = re.fullmatch(rf"{ENV}/plans/(\d+)(#.*)?", location)
    assert found, location
    return found.group(1)


def make_plan(client: FlaskClient, app_id: str) -> str:
    """Plan through the button of the adviser page; returns the plan's id."""
    token = csrf_token(client, f"/apps/{app_id}/plan")
    response = client.post(f"{ENV}/plans", data={"app": app_id, "version": "", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return plan_id(response.location)


def supply(client: FlaskClient, plan: str, **fields: str) -> object:
    token = csrf_token(client, f"{ENV}/plans/{plan}")
    return client.post(f"{ENV}/plans/{plan}/values", data={"csrf_token": token, **fields})


SECRET = {"secret.kluis.dbPassword": "kluis-db", "key.kluis.dbPassword": "password"}


@pytest.mark.parametrize(("target", "lands_on"), [
    ("/apps/kluis/plan", "/apps/kluis/plan"),
    ("https://evil.example/x", "/account"),
    ("//evil.example/x", "/account"),
    ("/\\evil.example", "/account"),
])
def test_signing_in_returns_to_a_path_of_this_site_only(app: Flask, client: FlaskClient, target: str,
                                                        lands_on: str) -> None:
    add_person(app, "eva@utrecht.example", "utrecht", "owner")
    page = client.get("/sign-in", query_string={"next": target}).get_data(as_text=True)
    carried = re.search(r'name="next" type="hidden" value="([^"]*)"', page)
    assert carried and html.unescape(carried.group(1)) == target  # the form carries it
    response = client.post("/sign-in", data={"email": "eva@utrecht.example", "password": PASSWORD,
                                             "csrf_token": csrf_token(client), "next": target})
    assert response.status_code == 302
    assert response.location == lands_on


def test_the_app_page_offers_planning_and_sign_in_comes_back(client: FlaskClient, utrecht: Municipality) -> None:
    anonymous = client.get("/apps/kluis").get_data(as_text=True)
    assert 'href="/sign-in?next=/apps/kluis/plan"' in anonymous
    assert 'href="/sign-in?next=/apps/kluis"' in anonymous  # the header's link comes back too
    assert client.get("/apps/kluis/plan").location == "/sign-in?next=/apps/kluis/plan"
    sign_in(client, "lid@utrecht.example")
    assert 'href="/apps/kluis/plan"' in client.get("/apps/kluis").get_data(as_text=True)


def test_the_adviser_lists_environments_with_the_verdict(client: FlaskClient, utrecht: Municipality) -> None:
    utrecht.environment("acceptatie", "acceptance")
    sign_in(client, "lid@utrecht.example")
    response = client.get("/apps/kluis/plan", headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for env in ("test", "acceptatie"):
        assert f'action="/organisations/utrecht/environments/{env}/plans"' in page
    assert client.get("/apps/no-such-app/plan").status_code == 404


def test_someone_of_no_municipality_is_told_so(app: Flask, client: FlaskClient, utrecht: Municipality) -> None:
    add_person(app, "ria@dimpact.example", "dimpact", "owner")
    sign_in(client, "ria@dimpact.example")
    response = client.get("/apps/kluis/plan")
    assert response.status_code == 200
    assert "/environments/" not in response.get_data(as_text=True)


def test_values_and_a_secret_reference_make_the_plan_ready(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    first = make_plan(client, "kluis")
    assert utrecht.get(f"test/plans/{first}").json["status"] == "blocked"
    response = supply(client, first, **{"value.kluis.hostname": "kluis.utrecht.example"}, **SECRET)
    assert response.status_code == 302
    second = plan_id(response.location)
    assert second != first
    plan = utrecht.get(f"test/plans/{second}").json
    assert plan["status"] == "ready", plan["problems"]
    assert [s["app"] for s in plan["steps"]] == ["open-notificaties", "kluis"]  # the dependency first
    config = utrecht.get("test").json["appConfig"]["kluis"]
    assert config == {"hostname": "kluis.utrecht.example",
                      "dbPassword": {"secretName": "kluis-db", "key": "password"}}


def test_a_secret_is_never_taken_as_a_value(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    first = make_plan(client, "kluis")
    assert supply(client, first, **{"value.kluis.dbPassword": "geheim"}).status_code == 400  # no such field
    bad = supply(client, first, **{"secret.kluis.dbPassword": "Not A Name!", "key.kluis.dbPassword": "password"})
    assert bad.status_code == 400
    assert utrecht.get("test").json["appConfig"] == {}


def test_only_managers_fill_in_values(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "lid@utrecht.example")
    first = make_plan(client, "kluis")
    assert supply(client, first, **{"value.kluis.hostname": "x.example"}).status_code == 403


def test_the_bundle_holds_each_app_in_order(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    blocked = make_plan(client, "kluis")
    assert client.get(f"{ENV}/plans/{blocked}/bundle").status_code == 409
    ready = plan_id(supply(client, blocked, **{"value.kluis.hostname": "kluis.utrecht.example"}, **SECRET).location)
    response = client.get(f"{ENV}/plans/{ready}/bundle")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="utrecht-test-plan-{ready}.tar.gz"'
    with tarfile.open(fileobj=io.BytesIO(response.data)) as archive:
        names = archive.getnames()
        member = archive.extractfile(f"utrecht-test-plan-{ready}/02-kluis/config.yaml")
        assert member is not None
        rendered = member.read().decode()
    assert f"utrecht-test-plan-{ready}/plan.json" in names
    assert any(n.startswith(f"utrecht-test-plan-{ready}/01-open-notificaties/") for n in names)
    assert 'host: "kluis.utrecht.example"' in rendered


def _environment_form(**fields: str) -> dict[str, str]:
    return {"name": "acceptatie", "stage": "acceptance", "profile": "gemeentecloud", "promote_from": "test",
            "namespace_mode": "per-app", "namespace_prefix": "acc-", "shared_values": "", "confirmed_apis": "",
            **fields}


def test_an_owner_creates_changes_and_archives_an_environment(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "eva@utrecht.example")
    new = "/organisations/utrecht/environments/new"
    created = client.post(new, data={"csrf_token": csrf_token(client, new), **_environment_form()})
    assert created.status_code == 302, created.get_data(as_text=True)
    made = utrecht.get("acceptatie").json
    assert (made["stage"], made["promoteFrom"], made["namespaces"]["prefix"]) == ("acceptance", "test", "acc-")
    again = client.post(new, data={"csrf_token": csrf_token(client, new), **_environment_form()})
    assert again.status_code == 409

    settings = "/organisations/utrecht/environments/acceptatie/settings"
    changed = client.post(settings, data={"csrf_token": csrf_token(client, settings), **_environment_form(
        promote_from="", shared_values="hostname=apps.utrecht.example\nreplicas=3", confirmed_apis="brp, kvk")})
    assert changed.status_code == 302, changed.get_data(as_text=True)
    made = utrecht.get("acceptatie").json
    assert made["config"] == {"hostname": "apps.utrecht.example", "replicas": "3"}
    assert (made["promoteFrom"], made["confirmedApis"]) == (None, ["brp", "kvk"])
    secret = client.post(settings, data={"csrf_token": csrf_token(client, settings),
                                         **_environment_form(shared_values="apiToken=abc")})
    assert secret.status_code == 400  # secrets only as references, never in clear

    archive = "/organisations/utrecht/environments/acceptatie/archive"
    assert client.post(archive, data={"csrf_token": csrf_token(client, settings)}).status_code == 302
    assert utrecht.get("acceptatie").status_code == 404


def test_an_environment_with_installs_is_not_archived(client: FlaskClient, utrecht: Municipality) -> None:
    utrecht.install("test", "open-notificaties", "^1.4")
    sign_in(client, "eva@utrecht.example")
    token = csrf_token(client, f"{ENV}/settings")
    response = client.post(f"{ENV}/archive", data={"csrf_token": token})
    assert response.location == f"{ENV}/settings"
    assert utrecht.get("test").status_code == 200


def test_members_do_not_change_environments(client: FlaskClient, utrecht: Municipality) -> None:
    sign_in(client, "lid@utrecht.example")
    assert client.get("/organisations/utrecht/environments/new").status_code == 403
    assert client.get(f"{ENV}/settings").status_code == 403
    token = csrf_token(client, ENV)
    assert client.post(f"{ENV}/archive", data={"csrf_token": token}).status_code == 403


def test_a_secret_removed_from_the_environment_is_named_again(app: Flask, client: FlaskClient,
                                                               utrecht: Municipality) -> None:
    """An optional secret that was removed for being held in clear blocks the plan until a
    reference replaces it; the plan page asks for one."""
    token = add_organisation(app, "dimpact")
    release(client, token, "kluis-lite", "1.0.0", config=[{"name": "replicas", "default": "2"},
                                                           {"name": "hostname", "default": "kluis.example"},
                                                           {"name": "apiKey", "secret": True}])
    with database(app).session() as session:
        environment = session.scalars(select(Environment).where(Environment.name == "test")).one()
        environment.config = {"apiKey": {"unresolved": True}}
        session.commit()
    sign_in(client, "eva@utrecht.example")
    first = make_plan(client, "kluis-lite")
    assert utrecht.get(f"test/plans/{first}").json["status"] == "blocked"
    response = supply(client, first, **{"secret.kluis-lite.apiKey": "kluis-api", "key.kluis-lite.apiKey": "key"})
    assert response.status_code == 302
    assert utrecht.get(f"test/plans/{plan_id(response.location)}").json["status"] == "ready"
