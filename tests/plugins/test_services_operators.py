"""Services with properties, services the municipality brings, operators with versions:
verdicts on profiles that do and do not offer them."""

from __future__ import annotations

from typing import Any

import pytest

from sdk.errors import AppstoreError
from sdk.messages import render
from sdk.profiles import OperatorOffer, PlatformProfile, ServiceOffer, load_profile
from sdk.requirements import loose_version, version_fits
from tests import factories
from tests.plugins.kubernetes_support import by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
GIS_PLATFORM = """\
profileVersion: 1
id: gis-cloud
name: GIS-cloud
kubernetes: ["1.34", "1.35"]
services:
  - https-certificates
  - postgresql
  - {name: postgresql, version: "16", extensions: [postgis, pg_trgm]}
operators:
  - cert-manager
  - {name: solr-operator, version: "0.8"}
"""
PLAIN_PLATFORM = """\
profileVersion: 1
id: plain-cloud
name: Plain cloud
kubernetes: ["1.34", "1.35"]
services: [https-certificates, {name: postgresql, version: "15"}]
operators: [cert-manager, {name: solr-operator, version: "0.6"}]
"""


def needs(**platform: Any) -> dict[str, Any]:
    return factories.manifest(requires={"platform": platform})


def verdict(manifest: dict[str, Any], profile: str) -> Any:
    return compatibility(package(manifest, app=DEPLOYMENT), load_profile(profile))


def test_profiles_declare_services_and_operators_with_properties() -> None:
    profile = load_profile(GIS_PLATFORM)
    assert profile.services == ("https-certificates", "postgresql")
    assert profile.offers_of("postgresql") == [ServiceOffer("postgresql"),
                                               ServiceOffer("postgresql", "16", ("postgis", "pg_trgm"))]
    assert profile.operators == ("cert-manager", "solr-operator")
    assert profile.operator_versions("solr-operator") == [OperatorOffer("solr-operator", "0.8")]


def test_bad_offers_are_refused_with_what_to_write() -> None:
    with pytest.raises(AppstoreError) as raised:
        load_profile(PLAIN_PLATFORM.replace('version: "15"', "version: 15, colour: blue")
                     .replace("[cert-manager,", "[Cert_Manager,"))
    text = str(raised.value)
    assert '`services[1].version` must be a quoted version such as "16"' in text
    assert "`services[1].colour` is not a profile key" in text
    assert "`operators[0]` must be a slug such as `cert-manager`" in text


def test_a_plain_service_slug_still_runs_where_offered() -> None:
    assert verdict(needs(services=["postgresql"]), GIS_PLATFORM).runs
    assert verdict(needs(services=[{"name": "postgresql"}]), PLAIN_PLATFORM).runs


def test_a_service_extension_runs_only_where_an_offer_has_it() -> None:
    gis = needs(services=[{"name": "postgresql", "version": ">=14", "extensions": ["postgis"]}])
    assert verdict(gis, GIS_PLATFORM).runs
    result = verdict(gis.copy(), PLAIN_PLATFORM.replace('version: "15"', 'version: "16"'))
    assert not result.runs
    (finding,) = by_code(result.findings, "services.extension")
    assert finding.key == "requires.platform.services[0]"
    assert finding.data["missing"] == ["postgis"] and finding.data["offered"] == ["postgresql 16"]
    assert "postgis" in render(finding.code, finding.data, "nl")


def test_a_service_version_runs_only_where_an_offer_is_in_range() -> None:
    result = verdict(needs(services=[{"name": "postgresql", "version": ">=16"}]), PLAIN_PLATFORM)
    assert not result.runs
    (finding,) = by_code(result.findings, "services.version")
    assert finding.data["range"] == ">=16" and finding.data["offered"] == ["postgresql 15"]
    assert verdict(needs(services=[{"name": "postgresql", "version": ">=16"}]), GIS_PLATFORM).runs


def test_a_service_the_municipality_brings_is_no_platform_need() -> None:
    rabbit = DEPLOYMENT
    external = factories.manifest(requires={"external": [{"service": "rabbitmq", "config": "RABBITMQ_URL"}]})
    flagged = factories.manifest(requires={"platform": {"services": [
        {"name": "rabbitmq", "provider": "municipality", "config": "RABBITMQ_URL"}]}})
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: queue}\ndata: {BROKER: 'amqp://queue:5672'}\n"
    for manifest in (external, flagged):
        result = compatibility(package(manifest, app=rabbit, queue=config), load_profile(PLAIN_PLATFORM))
        assert result.runs and not codes(result.findings) & {"services.unavailable", "services.undeclared"}
    # Without saying so, the same signs make rabbitmq an undeclared service the platform lacks.
    result = compatibility(package(factories.manifest(), app=rabbit, queue=config), load_profile(PLAIN_PLATFORM))
    assert "services.undeclared" in codes(result.findings) and not result.runs


def test_an_operator_runs_only_where_the_profile_offers_it_at_a_matching_version() -> None:
    solr = needs(operators=[{"name": "solr-operator", "version": ">=0.7"}])
    assert verdict(solr, GIS_PLATFORM).runs
    result = verdict(solr, PLAIN_PLATFORM)
    assert not result.runs
    (finding,) = by_code(result.findings, "operators.version")
    assert finding.data == {"operator": "solr-operator", "range": ">=0.7", "profile": "plain-cloud",
                            "offered": ["solr-operator 0.6"]}
    assert finding.kind == "runs"
    missing = verdict(needs(operators=["keda"]), GIS_PLATFORM)
    assert not missing.runs and codes(missing.findings) >= {"operators.required"}


def test_profiles_built_in_code_offer_plain_services() -> None:
    profile = PlatformProfile(id="p", name="P", kubernetes_versions=("1.34",), services=("postgresql",),
                              operators=("solr-operator",))
    assert profile.offers_of("postgresql") == [ServiceOffer("postgresql")]
    assert compatibility(package(needs(operators=["solr-operator"]), app=DEPLOYMENT), profile).runs
    assert not compatibility(package(needs(operators=[{"name": "solr-operator", "version": ">=1"}]),
                                     app=DEPLOYMENT), profile).runs


@pytest.mark.parametrize(("offered", "wanted", "fits"), [
    ("16", ">=14", True), ("16", "^16", True), ("0.8", ">=0.7", True), ("0.6", ">=0.7", False),
    (None, ">=1", False), (None, None, True), ("1.2.3", "~1.2", True),
])
def test_platform_versions_are_compared_as_semver(offered: str | None, wanted: str | None, fits: bool) -> None:
    assert version_fits(offered, wanted) is fits
    assert loose_version("16") == "16.0.0"
