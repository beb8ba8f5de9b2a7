"""The vendor's forms and the entitled buyer's download, through Flask's test client:
the listing form, choosing an organisation by name, revoking after a confirmation,
and the package link of a commercial release for people with and without access."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.registry.commercial import MODULE, VERSION, Market
from tests.web.helpers import csrf_token, sign_in, vendor_market

DESK = "/organisations/acme"
LISTING = f"/organisations/acme/modules/{MODULE}/listing"
ENTITLEMENTS = f"/organisations/acme/modules/{MODULE}/entitlements"
PACKAGE = f"/apps/{MODULE}/releases/{VERSION}/package"
VALID = {
    "pricing_model": "per-user", "pricing_note": "EUR 4 per user a month", "hosting": ["saas"],
    "support_hours": "24x7", "support_note": "", "contact_name": "Verkoop", "contact_email": "verkoop@acme.example",
    "contact_phone": "", "contact_url": "", "framework_name": "", "framework_url": "",
}


@pytest.fixture
def market(sqlite_app: Flask) -> Market:
    return vendor_market(sqlite_app)


@pytest.fixture
def vendor(sqlite_app: Flask, market: Market) -> FlaskClient:
    client = sqlite_app.test_client()
    assert sign_in(client, "eva@acme.example") == 302
    return client


def listing(market: Market) -> dict:
    return market.call("anonymous", "GET", f"/api/v1/apps/{MODULE}/listing").json


def invalid_fields(page: str) -> set[str]:
    return set(re.findall(r'id="([a-z_]+)-error"', page))


def test_the_listing_form_is_prefilled_for_the_vendors_managers(vendor: FlaskClient, market: Market,
                                                                sqlite_app: Flask) -> None:
    page = vendor.get(LISTING)
    assert page.status_code == 200
    assert 'value="sales@vendor.example"' in page.get_data(as_text=True)
    member = sqlite_app.test_client()
    sign_in(member, "lid@acme.example")
    assert member.get(LISTING).status_code == 403
    assert sqlite_app.test_client().get(LISTING).location.startswith("/sign-in")


def test_a_saved_listing_is_what_the_api_shows(vendor: FlaskClient, market: Market) -> None:
    response = vendor.post(LISTING, data={**VALID, "csrf_token": csrf_token(vendor, LISTING)})
    assert response.status_code == 302 and response.location == f"/apps/{MODULE}#buying"
    shown = listing(market)
    assert shown["pricing"]["model"] == "per-user" and shown["hosting"] == ["saas"]
    assert shown["contact"]["email"] == "verkoop@acme.example" and shown.get("frameworkAgreement") is None


def test_every_problem_is_shown_at_its_field_and_nothing_is_saved(vendor: FlaskClient, market: Market) -> None:
    before = listing(market)
    bad = {**VALID, "pricing_model": "", "hosting": [], "contact_email": "not an address",
           "contact_url": "http://acme.example", "framework_url": "https://vng.example/raam",
           "support_note": "x" * 1001, "csrf_token": csrf_token(vendor, LISTING)}
    response = vendor.post(LISTING, data=bad)
    assert response.status_code == 400
    assert invalid_fields(response.get_data(as_text=True)) == {
        "pricing_model", "hosting", "contact_email", "contact_url", "framework_name", "support_note"}
    assert listing(market) == before


def test_the_form_speaks_the_chosen_language(vendor: FlaskClient, market: Market) -> None:
    bad = {**VALID, "contact_name": "", "csrf_token": csrf_token(vendor, LISTING)}
    vendor.post("/language", data={"lang": "en", "csrf_token": bad["csrf_token"]})
    english = vendor.post(LISTING, data=bad).get_data(as_text=True)
    vendor.post("/language", data={"lang": "nl", "csrf_token": bad["csrf_token"]})
    dutch = vendor.post(LISTING, data=bad).get_data(as_text=True)
    assert "Fill this in." in english and "Fill this in." not in dutch


def test_organisations_are_found_by_name_with_their_standing(vendor: FlaskClient, market: Market) -> None:
    page = vendor.get(f"{ENTITLEMENTS}?name=ZEIST").get_data(as_text=True)
    assert 'name="organisation" value="zeist"' in page
    page = vendor.get(f"{ENTITLEMENTS}?name=utrecht").get_data(as_text=True)
    assert 'name="organisation" value="utrecht"' not in page  # entitled already: nothing to grant
    page = vendor.get(f"{ENTITLEMENTS}?name=acme").get_data(as_text=True)
    assert 'name="organisation" value="acme"' not in page  # the vendor itself
    token = csrf_token(vendor, f"{ENTITLEMENTS}?name=zeist")
    response = vendor.post(ENTITLEMENTS, data={"organisation": "zeist", "csrf_token": token})
    assert response.status_code == 302
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/zeist").status_code == 200


def test_only_the_vendors_managers_search_and_confirm(sqlite_app: Flask, market: Market) -> None:
    for person in ("lid@acme.example", "mia@zeist.example"):
        client = sqlite_app.test_client()
        sign_in(client, person)
        assert client.get(f"{ENTITLEMENTS}?name=zeist").status_code == 403
        assert client.get(f"{ENTITLEMENTS}/utrecht/revoke").status_code == 403


def test_revoking_asks_first(vendor: FlaskClient, market: Market) -> None:
    assert f"{ENTITLEMENTS}/utrecht/revoke" in vendor.get(DESK).get_data(as_text=True)
    confirm = vendor.get(f"{ENTITLEMENTS}/utrecht/revoke")
    assert confirm.status_code == 200
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/utrecht").status_code == 200
    assert vendor.get(f"{ENTITLEMENTS}/zeist/revoke").status_code == 404  # zeist has none to revoke
    token = csrf_token(vendor, f"{ENTITLEMENTS}/utrecht/revoke")
    assert vendor.post(f"{ENTITLEMENTS}/utrecht/revoke", data={"csrf_token": token}).status_code == 302
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/entitlements/utrecht").status_code == 404


def test_a_member_of_an_entitled_organisation_downloads_with_the_session(sqlite_app: Flask, market: Market) -> None:
    client = sqlite_app.test_client()
    sign_in(client, "ria@utrecht.example")
    assert PACKAGE in client.get(f"/apps/{MODULE}/releases/{VERSION}").get_data(as_text=True)
    response = client.get(PACKAGE)
    assert response.status_code == 200 and response.data == market.archive
    log = market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/downloads").json
    assert [(d["organisation"], d["kind"]) for d in log["items"]] == [("utrecht", "package")]


@pytest.mark.parametrize(("person", "status"), [(None, 401), ("mia@zeist.example", 403)])
def test_others_get_a_page_that_says_how_to_get_access(sqlite_app: Flask, market: Market, person: str | None,
                                                       status: int) -> None:
    client = sqlite_app.test_client()
    if person:
        sign_in(client, person)
    response = client.get(PACKAGE)
    assert response.status_code == status and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "mailto:sales@vendor.example" in page and market.archive not in response.data
    if person is None:
        assert f"/sign-in?next=/apps/{MODULE}/releases/{VERSION}" in page
    else:
        assert f"/apps/{MODULE}/interest" in page  # a municipality can register interest from here
    assert market.call("vendor", "GET", f"/api/v1/apps/{MODULE}/downloads").json["total"] == 0


def test_anonymous_people_are_asked_to_sign_in_for_interest(sqlite_app: Flask, market: Market) -> None:
    client = sqlite_app.test_client()
    assert f"/sign-in?next=/apps/{MODULE}%23buying" in client.get(f"/apps/{MODULE}").get_data(as_text=True)
    response = client.post(f"/apps/{MODULE}/interest", data={"organisation": "zeist",
                                                             "csrf_token": csrf_token(client, f"/apps/{MODULE}")})
    assert response.status_code == 302 and response.location == f"/sign-in?next=/apps/{MODULE}%23buying"
