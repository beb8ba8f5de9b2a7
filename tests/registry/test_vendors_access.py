"""Who may do what with a commercial module: every role, on every new endpoint and
the package download, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask

from registry.db import database
from registry.models import AuditEvent
from tests.registry.commercial import MODULE, PACKAGE, ROLES, VERSION, Market, listing_body, open_market

APP = f"/api/v1/apps/{MODULE}"


@pytest.fixture
def market(app: Flask) -> Market:
    return open_market(app)


def statuses(market: Market, method: str, path: str, roles=ROLES, **kwargs) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {role: market.call(role, method, path, **kwargs).status_code for role in roles}


def test_package_only_for_the_vendor_and_entitled_organisations(market: Market) -> None:
    assert statuses(market, "GET", PACKAGE) == {
        "anonymous": 401, "entitled": 200, "unentitled": 403, "other_vendor": 403, "vendor": 200, "curator": 403,
    }
    entitled = market.call("entitled", "GET", PACKAGE)
    assert entitled.data == market.archive
    assert entitled.headers["ETag"] == f'"{hashlib.sha256(market.archive).hexdigest()}"'
    assert "private" in entitled.headers["Cache-Control"]  # never kept in a shared cache
    refused = market.call("unentitled", "GET", PACKAGE)
    assert refused.content_type == "application/problem+json"
    assert "needs an entitlement from acme" in refused.json["detail"]
    assert "zeist" in refused.json["detail"]  # says whom to ask for what


def test_a_conditional_request_does_not_pass_the_check(market: Market) -> None:
    etag = market.call("entitled", "GET", PACKAGE).headers["ETag"]
    response = market.call("unentitled", "GET", PACKAGE, headers={"If-None-Match": etag})
    assert response.status_code == 403


def test_revocation_takes_effect_at_once_and_a_grant_too(market: Market) -> None:
    assert market.call("entitled", "GET", PACKAGE).status_code == 200
    assert market.call("vendor", "DELETE", f"{APP}/entitlements/utrecht").status_code == 204
    assert market.call("entitled", "GET", PACKAGE).status_code == 403
    assert market.call("vendor", "DELETE", f"{APP}/entitlements/utrecht").status_code == 404
    assert market.call("vendor", "PUT", f"{APP}/entitlements/zeist").status_code == 201
    assert market.call("unentitled", "GET", PACKAGE).data == market.archive


def test_catalogue_data_of_a_commercial_module_is_public(market: Market) -> None:
    assert market.call("vendor", "PUT", f"{APP}/listing", json=listing_body()).status_code == 201
    for path in (APP, f"{APP}/releases/{VERSION}", f"{APP}/listing"):
        assert set(statuses(market, "GET", path).values()) == {200}, path
    body = market.call("anonymous", "GET", f"{APP}/releases/{VERSION}").json
    assert body["manifest"]["license"] == "LicenseRef-Proprietary"
    assert "findings" in body and "compatibility" in body
    assert market.call("anonymous", "GET", APP).json["listing"]["pricing"]["model"] == "per-inhabitant"


def test_only_the_vendor_writes_the_listing(market: Market) -> None:
    others = ("anonymous", "entitled", "unentitled", "other_vendor", "curator")
    assert statuses(market, "PUT", f"{APP}/listing", others, json=listing_body()) == {
        "anonymous": 401, "entitled": 403, "unentitled": 403, "other_vendor": 403, "curator": 403,
    }
    # Someone else's invalid listing is refused for who they are, not for what they sent.
    assert market.call("other_vendor", "PUT", f"{APP}/listing", json={}).status_code == 403
    assert market.call("vendor", "PUT", f"{APP}/listing", json=listing_body()).status_code == 201
    assert market.call("vendor", "PUT", f"{APP}/listing", json=listing_body(hosting=["saas"])).status_code == 200
    assert market.call("anonymous", "GET", f"{APP}/listing").json["hosting"] == ["saas"]


def test_only_the_vendor_lists_entitlements(market: Market) -> None:
    assert statuses(market, "GET", f"{APP}/entitlements") == {
        "anonymous": 401, "entitled": 403, "unentitled": 403, "other_vendor": 403, "vendor": 200, "curator": 403,
    }
    body = market.call("vendor", "GET", f"{APP}/entitlements").json
    assert body["total"] == 1 and body["items"][0]["organisation"] == "utrecht"


def test_an_organisation_sees_its_own_entitlement_only(market: Market) -> None:
    assert statuses(market, "GET", f"{APP}/entitlements/utrecht") == {
        "anonymous": 401, "entitled": 200, "unentitled": 403, "other_vendor": 403, "vendor": 200, "curator": 403,
    }
    own = market.call("unentitled", "GET", f"{APP}/entitlements/zeist")
    assert own.status_code == 404 and "ask `acme`" in own.json["detail"]


def test_only_the_vendor_grants_and_revokes(market: Market) -> None:
    others = ("anonymous", "entitled", "unentitled", "other_vendor", "curator")
    expected = {"anonymous": 401, "entitled": 403, "unentitled": 403, "other_vendor": 403, "curator": 403}
    assert statuses(market, "PUT", f"{APP}/entitlements/zeist", others) == expected
    assert statuses(market, "DELETE", f"{APP}/entitlements/utrecht", others) == expected
    assert market.call("unentitled", "GET", PACKAGE).status_code == 403  # nobody entitled itself
    assert market.call("entitled", "GET", PACKAGE).status_code == 200  # nobody revoked it
    assert market.call("vendor", "PUT", f"{APP}/entitlements/zeist").status_code == 201
    assert market.call("vendor", "PUT", f"{APP}/entitlements/zeist").status_code == 200  # idempotent
    assert market.call("vendor", "PUT", f"{APP}/entitlements/acme").status_code == 400
    assert market.call("vendor", "PUT", f"{APP}/entitlements/nobody").status_code == 404


def test_interest_count_is_public_and_names_only_for_vendor_and_curators(market: Market) -> None:
    assert statuses(market, "POST", f"{APP}/interest") == {
        "anonymous": 401, "entitled": 201, "unentitled": 201, "other_vendor": 403, "vendor": 403, "curator": 403,
    }
    assert market.call("entitled", "POST", f"{APP}/interest").status_code == 200  # idempotent
    bodies = {role: market.call(role, "GET", f"{APP}/interest").json for role in ROLES}
    assert {role: body["count"] for role, body in bodies.items()} == dict.fromkeys(ROLES, 2)
    who_sees_names = {role for role, body in bodies.items() if "organisations" in body}
    assert who_sees_names == {"vendor", "curator"}
    assert [i["organisation"] for i in bodies["vendor"]["organisations"]] == ["utrecht", "zeist"]
    assert bodies["entitled"]["registered"] is True and "registered" not in bodies["anonymous"]


def test_only_a_municipality_withdraws_its_own_interest(market: Market) -> None:
    market.call("entitled", "POST", f"{APP}/interest")
    others = ("anonymous", "other_vendor", "vendor", "curator")
    assert statuses(market, "DELETE", f"{APP}/interest", others) == {
        "anonymous": 401, "other_vendor": 403, "vendor": 403, "curator": 403,
    }
    assert market.call("unentitled", "DELETE", f"{APP}/interest").status_code == 404  # it had not registered
    assert market.call("entitled", "DELETE", f"{APP}/interest").status_code == 204
    assert market.call("anonymous", "GET", f"{APP}/interest").json == {"count": 0}


def test_downloads_are_logged_and_only_the_vendor_reads_the_log(market: Market) -> None:
    for role in ROLES:
        market.call(role, "GET", PACKAGE)
    market.call("entitled", "GET", PACKAGE)
    assert statuses(market, "GET", f"{APP}/downloads") == {
        "anonymous": 401, "entitled": 403, "unentitled": 403, "other_vendor": 403, "vendor": 200, "curator": 403,
    }
    log = market.call("vendor", "GET", f"{APP}/downloads").json
    assert log["total"] == 3  # refused attempts are not downloads
    assert [d["organisation"] for d in log["items"]] == ["utrecht", "acme", "utrecht"]  # newest first
    assert {d["version"] for d in log["items"]} == {VERSION}
    assert all(d["downloadedAt"].endswith("Z") for d in log["items"])
    page = market.call("vendor", "GET", f"{APP}/downloads?page=2&pageSize=2").json
    assert (page["total"], len(page["items"])) == (3, 1)


def test_verification_is_for_curators_only(market: Market) -> None:
    path = "/api/v1/organisations/utrecht/verification"
    body = {"oin": "00000001002220647000"}
    others = ("anonymous", "entitled", "unentitled", "other_vendor", "vendor")
    expected = {"anonymous": 401, "entitled": 403, "unentitled": 403, "other_vendor": 403, "vendor": 403}
    assert statuses(market, "POST", path, others, json=body) == expected
    assert statuses(market, "DELETE", path, others) == expected
    assert set(statuses(market, "GET", "/api/v1/organisations/utrecht").values()) == {200}
    assert market.call("curator", "POST", path, json=body).status_code == 200
    assert market.call("curator", "DELETE", path).status_code == 204


def test_open_source_apps_have_no_commercial_resources(market: Market, app: Flask) -> None:
    from tests import factories
    from tests.conftest import add_organisation
    from tests.registry.test_publish_api import publish

    token = add_organisation(app, "dimpact")
    assert publish(market.client, token, factories.package()).status_code == 201
    base = "/api/v1/apps/zaakafhandelcomponent"
    auth = {"Authorization": f"Bearer {token}"}
    for method, path in (("GET", "listing"), ("PUT", "listing"), ("GET", "entitlements"),
                         ("PUT", "entitlements/utrecht"), ("GET", "interest"), ("GET", "downloads")):
        response = market.client.open(f"{base}/{path}", method=method, headers=auth, json=listing_body())
        assert response.status_code == 404, (method, path)
        assert "open source" in response.json["detail"]
    assert market.client.get(f"{base}/releases/1.4.0/package").status_code == 200
    assert market.client.get(base).json["listing"] is None


def test_every_change_is_in_the_audit_log(market: Market, app: Flask) -> None:
    market.call("vendor", "PUT", f"{APP}/listing", json=listing_body())
    market.call("vendor", "DELETE", f"{APP}/entitlements/utrecht")
    market.call("unentitled", "POST", f"{APP}/interest")
    market.call("unentitled", "DELETE", f"{APP}/interest")
    market.call("curator", "POST", "/api/v1/organisations/acme/verification", json={"kvk": "69599084"})
    market.call("curator", "DELETE", "/api/v1/organisations/acme/verification")
    with database(app).session() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-7:] == ["entitlement.grant", "listing.put", "entitlement.revoke", "interest.register",
                            "interest.withdraw", "organisation.verify", "organisation.unverify"]


def test_refusal_is_the_reason_install_plans_show(market: Market, app: Flask) -> None:
    from sqlalchemy import select

    from registry.models import App, Organisation
    from registry.services.downloads import DownloadPolicy

    with database(app).session() as session:
        release = session.scalars(select(App).where(App.slug == MODULE)).one().releases[0]
        ids = {o.slug: o.id for o in session.scalars(select(Organisation))}
        policy = DownloadPolicy(session)
        assert policy.refusal(release, ids["utrecht"]) is None
        assert policy.refusal(release, ids["acme"]) is None
        for slug in ("zeist", "globex", "appstore"):
            assert policy.refusal(release, ids[slug]) == "needs an entitlement from acme"
        assert policy.refusal(release, None) == "needs an entitlement from acme"


def test_a_vendor_publishes_only_under_its_own_name(market: Market) -> None:
    from tests import factories
    from tests.registry.commercial import commercial_manifest
    from tests.registry.test_publish_api import publish

    as_acme = factories.package(commercial_manifest(version="1.5.0"))
    response = publish(market.client, market.tokens["other_vendor"], as_acme)
    assert response.status_code == 403
    assert "ownership.publisher-mismatch" in {f["code"] for f in response.json["findings"]}
    claimed = factories.package(commercial_manifest(version="2.0.0", publisher="globex"))
    response = publish(market.client, market.tokens["other_vendor"], claimed)
    assert response.status_code == 403
    assert "ownership.app-owned-elsewhere" in {f["code"] for f in response.json["findings"]}
    closed_by_municipality = factories.package(factories.manifest(
        id="zeist-zaken", publisher="zeist", license="LicenseRef-Proprietary"))
    response = publish(market.client, market.tokens["unentitled"], closed_by_municipality)
    assert response.status_code == 422
    assert "licence.proprietary-not-vendor" in {f["code"] for f in response.json["findings"]}
