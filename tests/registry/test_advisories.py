"""Security advisories (OSV): who may publish, what is refused, which releases they mark."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.osv import affects, fixed_in
from tests.conftest import add_organisation
from tests.registry.advisory_support import osv_body, publish_advisory
from tests.registry.installs_support import bearer, release


@pytest.fixture
def nothing_published(sqlite_app: Flask) -> tuple[FlaskClient, str]:
    """dimpact's token and no app: input is judged before any app is looked up."""
    return sqlite_app.test_client(), add_organisation(sqlite_app, "dimpact")


RANGE = [{"type": "SEMVER", "events": [{"introduced": "1.4.0"}, {"fixed": "1.6.0"},
                                       {"introduced": "2.0.0"}, {"last_affected": "2.0.3"}]}]


@pytest.mark.parametrize(("version", "affected"), [
    ("1.3.9", False), ("1.4.0", True), ("1.5.9", True), ("1.6.0", False), ("1.9.0", False),
    ("2.0.0", True), ("2.0.3", True), ("2.0.4", False), ("not-a-version", False)])
def test_osv_ranges_are_evaluated_in_version_order(version: str, affected: bool) -> None:
    assert affects(RANGE, [], version) is affected


def test_explicit_versions_and_the_fix_above_a_version() -> None:
    assert affects([], ["1.0.0"], "1.0.0") and not affects([], ["1.0.0"], "1.0.1")
    assert fixed_in(RANGE, "1.5.0") == "1.6.0"
    assert fixed_in(RANGE, "2.0.1") is None


def test_the_publisher_publishes_and_everyone_reads_the_osv_record(published: tuple[FlaskClient, str]) -> None:
    client, token = published
    record = publish_advisory(client, token, osv_body("open-notificaties", fixed="1.6.0"))
    assert record["id"].startswith("GAS-") and record["id"].endswith("-0001")
    assert record["published"] == record["modified"] and "withdrawn" not in record
    assert record["database_specific"] == {"severity": "CRITICAL"}  # from the CVSS vector
    assert record["affected"][0]["package"] == {"ecosystem": "Gemeente App Store", "name": "open-notificaties"}
    assert client.get(f"/api/v1/advisories/{record['id']}").json == record
    listed = client.get("/api/v1/advisories").json
    assert listed["total"] == 1 and listed["items"][0]["id"] == record["id"]
    assert [a["id"] for a in client.get("/api/v1/apps/open-notificaties/advisories").json["items"]] == [record["id"]]
    second = publish_advisory(client, token, osv_body("open-zaak", fixed=None))
    assert second["id"].endswith("-0002")


def test_affected_releases_carry_the_advisory_with_its_fixed_version(published: tuple[FlaskClient, str]) -> None:
    client, token = published
    record = publish_advisory(client, token, osv_body("open-notificaties", fixed="1.6.0"))
    notes = client.get("/api/v1/apps/open-notificaties/releases/1.4.0").json["advisories"]
    assert [(n["id"], n["severity"], n["fixed"]) for n in notes] == [(record["id"], "critical", "1.6.0")]
    assert client.get("/api/v1/apps/open-notificaties/releases/1.6.0").json["advisories"] == []
    by_version = {r["version"]: [n["id"] for n in r["advisories"]]
                  for r in client.get("/api/v1/apps/open-notificaties").json["releases"]}
    assert by_version["1.5.0"] == [record["id"]] and by_version["1.6.0"] == []


def test_an_organisation_publishes_only_for_its_own_apps(sqlite_app: Flask, published: tuple[FlaskClient, str]) -> None:
    client, token = published
    other = add_organisation(sqlite_app, "wigo4it")
    response = client.post("/api/v1/advisories", json=osv_body("open-zaak"), headers=bearer(other))
    assert response.status_code == 403
    assert client.post("/api/v1/advisories", json=osv_body("open-zaak")).status_code == 401
    mine = publish_advisory(client, token, osv_body("open-zaak"))
    assert client.post(f"/api/v1/advisories/{mine['id']}/withdraw", headers=bearer(other)).status_code == 403
    changed = client.put(f"/api/v1/advisories/{mine['id']}", json=osv_body("open-zaak"), headers=bearer(other))
    assert changed.status_code == 403
    assert client.get("/api/v1/advisories").json["total"] == 1


def test_a_curator_publishes_for_any_app(sqlite_app: Flask, published: tuple[FlaskClient, str]) -> None:
    client, token = published
    curator = add_organisation(sqlite_app, "appstore", "registry")
    assert publish_advisory(client, curator, osv_body("open-zaak"))["affected"][0]["package"]["name"] == "open-zaak"


def test_an_edit_moves_modified_and_withdrawing_keeps_the_record(published: tuple[FlaskClient, str]) -> None:
    client, token = published
    dimpact = bearer(token)
    first = publish_advisory(client, token, osv_body("open-notificaties"))
    url = f"/api/v1/advisories/{first['id']}"
    edited = client.put(url, json=osv_body("open-notificaties", summary="Nieuwe samenvatting"), headers=dimpact)
    assert edited.status_code == 200 and edited.json["summary"] == "Nieuwe samenvatting"
    assert edited.json["published"] == first["published"] and edited.json["modified"] >= first["modified"]
    other_app = client.put(url, json=osv_body("open-zaak"), headers=dimpact)
    assert other_app.status_code == 409
    withdrawn = client.post(f"{url}/withdraw", headers=dimpact)
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn"]
    assert client.post(f"{url}/withdraw", headers=dimpact).status_code == 409
    assert client.get(url).json["withdrawn"] == withdrawn.json["withdrawn"]
    assert client.get("/api/v1/apps/open-notificaties/releases/1.4.0").json["advisories"] == []


@pytest.mark.parametrize(("change", "name"), [
    ({"id": "GAS-2026-9999"}, "id"),
    ({"unknown": 1}, "unknown"),
    ({"references": [{"type": "WEB", "url": "javascript:alert(1)"}]}, "references[0].url"),
    ({"references": [{"type": "WEB", "url": "ftp://example.org/x"}]}, "references[0].url"),
    ({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}]}, "severity[0]"),
    ({"summary": ""}, "summary"),
    ({"aliases": ["CVE 2026 1"]}, "aliases"),
])
def test_bad_advisories_are_refused_naming_the_field(nothing_published: tuple[FlaskClient, str], change: dict,
                                                     name: str) -> None:
    client, token = nothing_published
    response = client.post("/api/v1/advisories", json=osv_body("open-zaak", **change),
                           headers=bearer(token))
    assert response.status_code == 400
    assert name in [p["name"] for p in response.json["invalidParams"]]


def test_bad_ranges_are_refused(nothing_published: tuple[FlaskClient, str]) -> None:
    client, token = nothing_published
    body = osv_body("open-zaak")
    body["affected"][0]["ranges"][0]["events"] = [{"fixed": "1.0.0"}]
    body["affected"][0]["versions"] = ["one"]
    response = client.post("/api/v1/advisories", json=body, headers=bearer(token))
    names = [p["name"] for p in response.json["invalidParams"]]
    assert response.status_code == 400
    assert "affected[0].ranges[0]" in names and "affected[0].versions" in names
    missing = client.post("/api/v1/advisories", json=osv_body("no-such-app"),
                          headers=bearer(token))
    assert missing.status_code == 404


def test_the_export_holds_every_record_as_osv_json(published: tuple[FlaskClient, str]) -> None:
    client, token = published
    record = publish_advisory(client, token, osv_body("open-zaak"))
    response = client.get("/api/v1/advisories/all.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == [f"{record['id']}.json"]
        assert json.loads(archive.read(f"{record['id']}.json")) == record


def test_advisories_on_both_databases(app: Flask, client: FlaskClient, token: str) -> None:
    release(client, token, "open-zaak", "1.0.0")
    first = publish_advisory(client, token, osv_body("open-zaak", fixed="1.1.0"))
    second = publish_advisory(client, token, osv_body("open-zaak", fixed=None, summary="Nog een lek"))
    assert int(second["id"].rsplit("-", 1)[1]) == int(first["id"].rsplit("-", 1)[1]) + 1
    notes = client.get("/api/v1/apps/open-zaak/releases/1.0.0").json["advisories"]
    assert {(n["id"], n["fixed"]) for n in notes} == {(first["id"], "1.1.0"), (second["id"], None)}
    assert client.get("/api/v1/advisories?page=1&pageSize=1").json["items"][0]["id"] == second["id"]
