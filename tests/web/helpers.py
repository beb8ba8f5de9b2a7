"""Helpers of the web tests: people with roles, and form posts with a CSRF token."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.service_factories import account_service
from registry.services.organisations import OrganisationService
from tests.registry.commercial import MODULE, Market, listing_body, open_market

PASSWORD = "correct horse battery staple"


def add_person(app: Flask, email: str, org: str = "dimpact", role: str = "owner") -> None:
    with database(app).session() as session:
        organisations = OrganisationService(session)
        organisation = organisations.find(org) or organisations.create(org, org.title(), "cooperation")
        accounts = account_service(app, session)
        if accounts.find(email) is None:
            accounts.create_user(email, email.split("@")[0].title(), PASSWORD)
        accounts.add_member(email, organisation, role)
        session.commit()


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """The CSRF token of the client's session, as a page's form carries it."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> int:
    token = csrf_token(client)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token}).status_code


def vendor_market(app: Flask) -> Market:
    """acme sells acme-zaken with a listing; utrecht is entitled, zeist is not. acme has an
    owner and a member, utrecht and zeist a member each, the other vendor globex an owner."""
    market = open_market(app)
    assert market.call("vendor", "PUT", f"/api/v1/apps/{MODULE}/listing", json=listing_body()).status_code == 201
    for email, org, role in (("eva@acme.example", "acme", "owner"), ("lid@acme.example", "acme", "member"),
                             ("ria@utrecht.example", "utrecht", "member"), ("mia@zeist.example", "zeist", "member"),
                             ("bob@globex.example", "globex", "owner")):
        add_person(app, email, org, role)
    return market
