"""One door for a release's content: bundles and packages are authorised per release and
logged with their kind; a HEAD request is authorised but not logged; a licence is
decided per release, once, at publish."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sdk.findings import Finding
from sdk.hookspecs import Decision
from tests import factories
from tests.conftest import add_organisation
from tests.registry.commercial import MODULE, PACKAGE, VERSION, Market, commercial_manifest, open_market
from tests.registry.installs_support import PROFILE, Municipality, bearer
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

APP = f"/api/v1/apps/{MODULE}"


@pytest.fixture
def market(app: Flask) -> Market:
    return open_market(app)


def downloads(market: Market) -> list[tuple[str, str, str]]:
    items = market.call("vendor", "GET", f"{APP}/downloads").json["items"]
    return [(d["organisation"], d["version"], d["kind"]) for d in items]


def planned_bundle(app: Flask) -> tuple[Market, Municipality, str]:
    """utrecht (entitled) with a ready plan that installs the commercial module; the bundle's path."""
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    market = open_market(app)
    utrecht = Municipality(market.client, "utrecht", str(market.tokens["entitled"]))
    utrecht.environment("test")
    plan = utrecht.plan("test", MODULE)
    assert plan["status"] == "ready", plan
    return market, utrecht, f"test/plans/{plan['id']}/bundle"


def test_a_bundle_is_refused_naming_the_app_once_the_entitlement_is_revoked(app: Flask) -> None:
    market, utrecht, bundle = planned_bundle(app)
    assert utrecht.get(bundle).status_code == 200
    assert market.call("vendor", "DELETE", f"{APP}/entitlements/utrecht").status_code == 204
    refused = utrecht.get(bundle)
    assert refused.status_code == 403
    assert refused.json["code"] == "content.needs-entitlement" and refused.json["app"] == MODULE
    assert f"`{MODULE}` {VERSION}" in refused.json["detail"] and "ask `acme`" in refused.json["detail"]
    assert "items" not in refused.json  # not one deploy file went out


def test_bundles_are_in_the_vendors_download_log_and_head_requests_are_not(app: Flask) -> None:
    market, utrecht, bundle = planned_bundle(app)
    assert utrecht.get(bundle).status_code == 200
    assert utrecht.client.head(f"{utrecht.base}/{bundle}", headers=bearer(utrecht.token)).status_code == 200
    assert "private" in utrecht.get(bundle).headers["Cache-Control"]
    assert downloads(market) == [("utrecht", VERSION, "bundle"), ("utrecht", VERSION, "bundle")]


def test_head_of_a_package_is_authorised_but_not_a_download(market: Market) -> None:
    assert market.call("anonymous", "HEAD", PACKAGE).status_code == 401
    assert market.call("unentitled", "HEAD", PACKAGE).status_code == 403
    head = market.call("entitled", "HEAD", PACKAGE)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == market.call("entitled", "GET", PACKAGE).headers["ETag"]
    assert downloads(market) == [("utrecht", VERSION, "package")]


def test_a_not_modified_answer_is_not_a_download(market: Market) -> None:
    sent = market.call("entitled", "GET", PACKAGE)
    assert market.call("entitled", "GET", PACKAGE, headers={"If-None-Match": sent.headers["ETag"]}).status_code == 304
    since = {"If-Modified-Since": sent.headers["Last-Modified"]}
    assert market.call("entitled", "GET", PACKAGE, headers=since).status_code == 304
    assert market.call("entitled", "GET", PACKAGE, headers={"Range": "bytes=999999999-"}).status_code == 416
    assert downloads(market) == [("utrecht", VERSION, "package")]


def package_url(version: str) -> str:
    return f"{APP}/releases/{version}/package"


def test_earlier_commercial_releases_stay_commercial_after_an_open_source_release(market: Market) -> None:
    open_release = factories.package(commercial_manifest(version="2.0.0", license="EUPL-1.2"))
    assert publish(market.client, market.tokens["vendor"], open_release).status_code == 201
    old = market.call("anonymous", "GET", package_url(VERSION))
    assert old.status_code == 401
    assert market.call("unentitled", "GET", package_url(VERSION)).status_code == 403
    entitled = market.call("entitled", "GET", package_url(VERSION))
    assert entitled.status_code == 200 and "immutable" not in entitled.headers["Cache-Control"]
    new = market.call("anonymous", "GET", package_url("2.0.0"))
    assert new.status_code == 200 and "immutable" in new.headers["Cache-Control"]
    # The catalogue follows the latest release; the vendor still manages and reads the old ones.
    assert market.call("anonymous", "GET", APP).json["license"] == "EUPL-1.2"
    assert market.call("vendor", "GET", f"{APP}/entitlements").status_code == 200
    assert downloads(market) == [("utrecht", VERSION, "package")]  # the open release is not logged


@pytest.mark.parametrize("written", ["LicenseRef-Proprietary ", " LicenseRef-Proprietary",
                                     "licenseref-proprietary", "LICENSEREF-PROPRIETARY\t"])
def test_a_proprietary_licence_in_any_spelling_is_commercial(app: Flask, client: FlaskClient, written: str) -> None:
    vendor = add_organisation(app, "acme", "vendor")
    published = publish(client, vendor, factories.package(commercial_manifest(license=written)))
    assert published.status_code == 201, published.json
    assert "licence.normalised" in {f["code"] for f in published.json["findings"]}
    assert client.get(PACKAGE).status_code == 401
    assert client.get(APP).json["license"] == "LicenseRef-Proprietary"
    assert client.get("/api/v1/apps?license=proprietary").json["total"] == 1


def test_an_open_licence_is_stored_in_canonical_case(client: FlaskClient, token: str) -> None:
    published = publish(client, token, factories.package(factories.manifest(license=" eupl-1.2 OR mit ")))
    assert published.status_code == 201, published.json
    assert client.get("/api/v1/apps/zaakafhandelcomponent").json["license"] == "EUPL-1.2 OR MIT"
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package").status_code == 200


class AcceptEverything:
    """A decision policy that waives every error."""

    @staticmethod
    def appstore_decide(findings: list[Finding], context: object) -> Decision:
        return Decision(accepted=True, findings=tuple(findings))


def test_an_unreadable_licence_is_never_published_whatever_the_policy(
        client: FlaskClient, token: str, register_plugin) -> None:  # type: ignore[no-untyped-def]
    from sdk import hookimpl

    register_plugin(type("Waive", (), {"appstore_decide": hookimpl(tryfirst=True)(AcceptEverything.appstore_decide)}))
    rejected = publish(client, token, factories.package(factories.manifest(license="MIT OR")))
    assert rejected.status_code == 422
    assert "licence.invalid" in {f["code"] for f in rejected.json["findings"]}
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").status_code == 404
