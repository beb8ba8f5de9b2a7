"""The upload page through Flask's test client: a refused package shows every
finding at once, grouped by concern and led by the verdict per platform; a
published release that runs nowhere is never announced as a success."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sdk.findings import Finding
from tests.factories import manifest, package, package_files, tar_gz
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.sdk.test_manifest_reading import FIVE_MISTAKES
from tests.web.helpers import add_person, csrf_token, sign_in
from web.upload_result import concern, grouped

DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def developer(sqlite_app: Flask) -> Iterator[FlaskClient]:
    """A signed-in owner of dimpact, on a registry with one platform profile (PostgreSQL, no Redis)."""
    put_profile(sqlite_app, profile_yaml("gemeentecloud", ["1.30"], services=["postgresql"]))
    add_person(sqlite_app, "eva@dimpact.example")
    client = sqlite_app.test_client()
    sign_in(client, "eva@dimpact.example")
    yield client


def upload(client: FlaskClient, archive: bytes):
    return client.post("/publish", headers=DUTCH, data={
        "csrf_token": csrf_token(client, "/publish"), "organisation": "dimpact",
        "package": (io.BytesIO(archive), "app.tar.gz")})


def test_five_mistakes_show_five_findings_after_the_verdict(developer: FlaskClient) -> None:
    bad = manifest(id="Zaak App", version="1.4", summary="x" * 151, layer="presentation", license="Not-A-Licence-1.0")
    response = upload(developer, package(bad))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    rows = re.findall(r'<td class="utrecht-table__cell"><code class="utrecht-code">([a-z.-]+)</code></td>\s*'
                      r'<td class="utrecht-table__cell">(?:<code class="utrecht-code">([^<]*)</code>)?', page)
    assert {key for _code, key in rows} >= {"id", "version", "summary", "layer", "license"}
    assert "5 bevindingen, ernstigste eerst" in page
    verdicts, manifest_group = page.index("Waar het zou draaien"), page.index("Het manifest (appstore.yaml)")
    assert verdicts < manifest_group  # the verdict per platform leads
    assert "Platform gemeentecloud" in page[verdicts:manifest_group]


def test_a_repeated_key_does_not_hide_the_manifests_other_mistakes(developer: FlaskClient) -> None:
    files = package_files()
    files["appstore.yaml"] = FIVE_MISTAKES.replace(b"samen-digitaal", b"dimpact")
    page = upload(developer, tar_gz(files)).get_data(as_text=True)
    for code in ("yaml.duplicate-key", "manifest.invalid-id", "manifest.invalid-version", "licence.invalid",
                 "manifest.invalid-layer"):
        assert f'<code class="utrecht-code">{code}</code>' in page, code


def test_a_release_that_runs_nowhere_gets_a_warning_not_a_success(developer: FlaskClient) -> None:
    needs_redis = manifest(requires={"platform": {"services": ["redis"]}})
    response = upload(developer, package(needs_redis))
    assert response.status_code == 302
    page = developer.get(response.location, headers=DUTCH).get_data(as_text=True)
    assert "utrecht-alert--warning" in page and "utrecht-alert--ok" not in page
    assert "1.4.0 is gepubliceerd, maar draait nog op geen enkel platform" in page


def test_a_release_that_runs_everywhere_gets_a_success(developer: FlaskClient) -> None:
    response = upload(developer, package())
    assert response.status_code == 302
    page = developer.get(response.location, headers=DUTCH).get_data(as_text=True)
    assert "utrecht-alert--ok" in page and "is gepubliceerd." in page
    assert "utrecht-alert--warning" not in page


def test_findings_are_grouped_by_what_they_are_about() -> None:
    findings = [Finding.error("manifest.invalid-id", key="id"), Finding.warning("publiccode.missing-key", key="name"),
                Finding.error("archive.link", key="deploy/link.yaml"), Finding.error("licence.invalid", key="license"),
                Finding.error("scaffold.placeholder-digest", key="deploy/deployment.yaml"),
                Finding.error("yaml.duplicate-key", key="appstore.yaml", data={"path": "appstore.yaml", "name": "id",
                                                                              "line": 3})]
    assert [concern(f) for f in findings] == ["manifest", "publiccode", "package", "manifest", "package", "manifest"]
    groups = grouped(findings)
    assert [g.concern for g in groups] == ["manifest", "publiccode", "package"]
    assert sum(len(g.findings) for g in groups) == len(findings)
