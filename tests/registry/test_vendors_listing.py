"""A vendor's listing: strict input, every problem at once, shown with the app."""

from __future__ import annotations

import pytest
from flask import Flask

from registry.errors import InvalidInput
from registry.services.listing_input import read_listing
from tests.registry.commercial import MODULE, listing_body, open_market


def problems(body: object) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        read_listing(body)
    return {p.name: p.code for p in caught.value.invalid_params}


def test_the_example_is_a_valid_listing() -> None:
    listing = read_listing(listing_body()).columns()
    assert listing["pricing_model"] == "per-inhabitant"
    assert listing["hosting"] == ["shared-platform", "saas"]
    assert listing["framework_name"] == "GGI-Veilig"


def test_every_problem_is_named_at_once() -> None:
    body = listing_body(
        pricing={"model": "per-seat", "note": "x" * 1001},
        hosting=["saas", "on-premise"],
        support={"hours": "office-hours", "sla": "99.9"},
        contact={"name": " ", "email": "sales@", "phone": "call us", "url": "http://vendor.example"},
        frameworkAgreement={"name": "GGI", "url": "ftp://vng.example"},
        colour="blue",
    )
    assert problems(body) == {
        "colour": "unknown", "support.sla": "unknown", "pricing.model": "enum", "pricing.note": "too-long",
        "hosting": "enum", "contact.name": "required", "contact.email": "format", "contact.phone": "format",
        "contact.url": "url", "frameworkAgreement.url": "url",
    }


@pytest.mark.parametrize("url", [
    "http://vendor.example/contact", "https://user:secret@vendor.example/", "https://localhost/",
    "https://vendor.example:port/", "https://vendor example/", "javascript:alert(1)", "https:///path",
])
def test_links_are_public_https_only(url: str) -> None:
    assert problems(listing_body(frameworkAgreement={"name": "GGI", "url": url})) == {"frameworkAgreement.url": "url"}


def test_required_parts_and_types() -> None:
    assert problems([]) == {"body": "type"}  # not an object: one problem, not one per field
    assert problems({}) == {"pricing": "required", "support": "required", "contact": "required",
                            "hosting": "required"}
    assert problems(listing_body(hosting=[])) == {"hosting": "required"}
    assert problems(listing_body(hosting=["saas", "saas"])) == {"hosting": "duplicate"}
    assert problems(listing_body(pricing="fixed")) == {"pricing": "type"}
    assert problems(listing_body(contact={})) == {"contact.name": "required", "contact.email": "required"}
    assert problems(listing_body(frameworkAgreement={"name": "GGI"})) == {"frameworkAgreement.url": "required"}
    assert problems(listing_body(contact={"name": "Sales\nteam", "email": "sales@vendor.example"})) == {
        "contact.name": "characters"}


def test_a_framework_agreement_is_optional() -> None:
    assert read_listing(listing_body(frameworkAgreement=None)).columns()["framework_name"] is None


def test_the_api_answers_400_with_invalid_params_and_keeps_the_old_listing(app: Flask) -> None:
    market = open_market(app)
    path = f"/api/v1/apps/{MODULE}/listing"
    assert market.call("anonymous", "GET", path).status_code == 404  # not written yet
    assert market.call("vendor", "PUT", path, json=listing_body()).status_code == 201
    response = market.call("vendor", "PUT", path, json=listing_body(hosting=["cloud"]))
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["invalidParams"] == [
        {"name": "hosting", "code": "enum", "reason": "Unknown option(s) cloud; choose from shared-platform, saas."}]
    assert market.call("vendor", "PUT", path, data="not json", content_type="application/json").status_code == 400
    shown = market.call("anonymous", "GET", f"/api/v1/apps/{MODULE}").json["listing"]
    assert shown["hosting"] == ["shared-platform", "saas"]
    assert shown["contact"]["email"] == "sales@vendor.example"
    assert shown["frameworkAgreement"] == {"name": "GGI-Veilig", "url": "https://vng.nl/framework-agreement"}
