"""A small market for the vendor tests: a vendor with a published commercial
module, a second vendor, two municipalities (one entitled) and a curator."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from registry.services.listing_input import EXAMPLE
from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish

MODULE = "acme-zaken"
VERSION = "1.4.0"
PACKAGE = f"/api/v1/apps/{MODULE}/releases/{VERSION}/package"
PROPRIETARY = "LicenseRef-Proprietary"

#: Roles every access-control test goes through; `None` is anonymous.
ROLES = ("anonymous", "entitled", "unentitled", "other_vendor", "vendor", "curator")


@dataclass
class Market:
    client: FlaskClient
    archive: bytes
    tokens: dict[str, str | None]

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens[role]
        return {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, role: str, method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
        headers = {**self.headers(role), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)


def commercial_manifest(**overrides: object) -> dict:
    fields: dict[str, object] = {"id": MODULE, "name": "Acme Zaken", "publisher": "acme", "license": PROPRIETARY}
    return factories.manifest(**{**fields, **overrides})


def listing_body(**overrides: object) -> dict:
    body = {key: (dict(value) if isinstance(value, dict) else list(value)) for key, value in EXAMPLE.items()}
    body.update(overrides)
    return body


def open_market(app: Flask) -> Market:
    client = app.test_client()
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "vendor": add_organisation(app, "acme", "vendor"),
        "other_vendor": add_organisation(app, "globex", "vendor"),
        "entitled": add_organisation(app, "utrecht", "municipality"),
        "unentitled": add_organisation(app, "zeist", "municipality"),
        "curator": add_organisation(app, "appstore", "registry"),
    }
    archive = factories.package(commercial_manifest())
    response = publish(client, tokens["vendor"], archive)
    assert response.status_code == 201, response.json
    market = Market(client, archive, tokens)
    granted = market.call("vendor", "PUT", f"/api/v1/apps/{MODULE}/entitlements/utrecht")
    assert granted.status_code == 201, granted.json
    return market
