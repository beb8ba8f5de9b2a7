"""Nothing a vendor can call tells it which municipalities installed what."""

from __future__ import annotations

import re

from flask import Flask

from tests.registry.commercial import open_market

ORGANISATION_ROUTES = re.compile(r"^/api/v1/organisations/<(?:[^:<>]+:)?[^<>]+>/")
VARIABLE = re.compile(r"<(?:[^:<>]+:)?[^<>]+>")


def _concrete(rule: str, organisation: str) -> str:
    """The rule with the organisation's slug first, and `1` for every further variable."""
    first = [True]

    def fill(_match: re.Match[str]) -> str:
        value = organisation if first[0] else "1"
        first[0] = False
        return value

    return VARIABLE.sub(fill, rule)


def test_a_vendor_reaches_nothing_under_a_municipality(app: Flask) -> None:
    """Every route under /api/v1/organisations/{org}/ that exists now or is added later
    (environments, installations, ...) refuses a vendor's token for a municipality."""
    market = open_market(app)
    routes = [r for r in app.url_map.iter_rules() if ORGANISATION_ROUTES.match(r.rule)]
    assert routes, "the verification route at least lives under /organisations/{org}/"
    for rule in routes:
        path = _concrete(rule.rule, "zeist")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for role in ("vendor", "other_vendor"):
                response = market.call(role, method, path, json={})
                assert response.status_code in (403, 404), (role, method, rule.rule, response.status_code)


def test_the_public_profile_says_who_an_organisation_is_and_nothing_more(app: Flask) -> None:
    market = open_market(app)
    body = market.call("vendor", "GET", "/api/v1/organisations/zeist").json
    assert set(body) == {"slug", "name", "kind", "verified", "identifierType", "verifiedAt", "links"}


def test_vendor_answers_name_no_environments_or_installations(app: Flask) -> None:
    market = open_market(app)
    market.call("entitled", "GET", "/api/v1/apps/acme-zaken/releases/1.4.0/package")
    market.call("entitled", "POST", "/api/v1/apps/acme-zaken/interest")
    for path in ("entitlements", "interest", "downloads"):
        text = market.call("vendor", "GET", f"/api/v1/apps/acme-zaken/{path}").get_data(as_text=True).lower()
        assert "environment" not in text and "installation" not in text, path
