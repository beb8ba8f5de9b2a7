"""Commercial modules in the browser, through Flask's test client: the app page's
listing and interest buttons, and the vendor's section with entitlements."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.registry.commercial import MODULE, Market
from tests.web.helpers import csrf_token, sign_in, vendor_market

APP_PAGE = f"/apps/{MODULE}"
ENTITLEMENTS = f"/organisations/acme/modules/{MODULE}/entitlements"


@pytest.fixture
def market(app: Flask) -> Market:
    return vendor_market(app)


def interest_count(market: Market) -> int:
    return market.call("anonymous", "GET", f"/api/v1/apps/{MODULE}/interest").json["count"]


def test_app_page_answers_for_everyone(client: FlaskClient, market: Market) -> None:
    assert client.get(APP_PAGE).status_code == 200
    for person in ("mia@zeist.example", "eva@acme.example"):
        sign_in(client, person)
        assert client.get(APP_PAGE).status_code == 200


def test_a_municipality_member_registers_and_withdraws_interest(client: FlaskClient, market: Market) -> None:
    sign_in(client, "mia@zeist.example")
    token = csrf_token(client, APP_PAGE)
    response = client.post(f"{APP_PAGE}/interest", data={"organisation": "zeist", "csrf_token": token})
    assert response.status_code == 302 and interest_count(market) == 1
    response = client.post(f"{APP_PAGE}/interest/withdraw", data={"organisation": "zeist", "csrf_token": token})
    assert response.status_code == 302 and interest_count(market) == 0


def test_interest_only_for_your_own_municipality(client: FlaskClient, market: Market) -> None:
    sign_in(client, "mia@zeist.example")
    token = csrf_token(client, APP_PAGE)
    assert client.post(f"{APP_PAGE}/interest", data={"organisation": "utrecht", "csrf_token": token}).status_code == 403
    sign_in(client, "bob@globex.example")  # a vendor: no interest to register
    token = csrf_token(client, APP_PAGE)
    assert client.post(f"{APP_PAGE}/interest", data={"organisation": "globex", "csrf_token": token}).status_code == 403


def test_anonymous_interest_goes_to_sign_in(client: FlaskClient, market: Market) -> None:
    token = csrf_token(client, APP_PAGE)
    response = client.post(f"{APP_PAGE}/interest", data={"organisation": "zeist", "csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_vendor_owner_grants_and_revokes(client: FlaskClient, market: Market) -> None:
    sign_in(client, "eva@acme.example")
    assert client.get("/organisations/acme").status_code == 200
    token = csrf_token(client, "/organisations/acme")
    assert client.post(ENTITLEMENTS, data={"organisation": "zeist", "csrf_token": token}).status_code == 302
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/zeist").status_code == 200
    assert client.post(f"{ENTITLEMENTS}/zeist/revoke", data={"csrf_token": token}).status_code == 302
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/zeist").status_code == 404


def test_granting_to_an_unknown_organisation_says_so(client: FlaskClient, market: Market) -> None:
    sign_in(client, "eva@acme.example")
    token = csrf_token(client, "/organisations/acme")
    response = client.post(ENTITLEMENTS, data={"organisation": "nobody", "csrf_token": token})
    assert response.status_code == 302
    assert "nobody" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("person", ["lid@acme.example", "bob@globex.example", "mia@zeist.example"])
def test_only_the_vendors_managers_change_entitlements(client: FlaskClient, market: Market, person: str) -> None:
    sign_in(client, person)
    token = csrf_token(client, "/")
    assert client.post(ENTITLEMENTS, data={"organisation": "zeist", "csrf_token": token}).status_code == 403
    assert client.post(f"{ENTITLEMENTS}/utrecht/revoke", data={"csrf_token": token}).status_code == 403
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/utrecht").status_code == 200


def test_the_vendor_section_is_only_for_the_vendor(client: FlaskClient, market: Market) -> None:
    assert ENTITLEMENTS not in client.get("/organisations/acme").get_data(as_text=True)
    sign_in(client, "bob@globex.example")
    assert ENTITLEMENTS not in client.get("/organisations/acme").get_data(as_text=True)
    sign_in(client, "lid@acme.example")
    page = client.get("/organisations/acme").get_data(as_text=True)
    assert "utrecht" in page.lower() and ENTITLEMENTS not in page  # members read, managers change
