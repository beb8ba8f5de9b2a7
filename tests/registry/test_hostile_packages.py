"""Packages built to break the registry: escapes that are not text, nesting without end,
file names that are not UTF-8. Each is a finding (or a safe rendering), never a 500,
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import tarfile

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.models import Release
from sdk.yamldoc import MAX_DEPTH, load_yaml, load_yaml_stream
from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish

DEEP = "[" * 10_000 + "]" * 10_000


def codes(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["code"] for f in response.json.get("findings", []) if f["severity"] == "error"}


def test_lone_surrogate_escape_in_publiccode_is_a_finding(client: FlaskClient, token: str) -> None:
    publiccode = yaml.safe_dump(factories.publiccode(), sort_keys=False)
    publiccode = publiccode.replace("Zaken behandelen volgens de ZGW-standaarden.",
                                    '"Zaken \\ud800 behandelen volgens de ZGW-standaarden."')
    response = publish(client, token, factories.package(**{"publiccode.yml": publiccode}))
    assert response.status_code == 422, response.json
    assert "publiccode.invalid-character" in codes(response)
    assert client.get("/apps/zaakafhandelcomponent").status_code == 404  # nothing stored, no 500


@pytest.mark.parametrize("escape", ["\\0", "\\ud800", "\\udfff"])
def test_escapes_that_are_not_text_in_the_manifest_are_findings(client: FlaskClient, token: str,
                                                                escape: str) -> None:
    manifest = yaml.safe_dump(factories.manifest(), sort_keys=False).replace(
        "Zaken behandelen volgens de ZGW-standaarden", f'"Zaken {escape} behandelen"')
    response = publish(client, token, factories.package(**{"appstore.yaml": manifest}))
    assert response.status_code == 422, response.json
    assert "yaml.invalid-character" in codes(response)


@pytest.mark.parametrize("number", [".inf", "-.inf", ".nan"])
def test_numbers_that_are_not_finite_are_findings(client: FlaskClient, token: str, number: str) -> None:
    """PostgreSQL's JSON refuses them: the release could not be stored."""
    manifest = yaml.safe_dump(factories.manifest(config=[{"name": "replicas", "default": "2"}]), sort_keys=False)
    manifest = manifest.replace("default: '2'", f"default: {number}")
    response = publish(client, token, factories.package(**{"appstore.yaml": manifest}))
    assert response.status_code == 422, response.json
    assert "yaml.not-finite" in codes(response)


def test_manifest_nested_without_end_is_a_finding(client: FlaskClient, token: str) -> None:
    manifest = yaml.safe_dump(factories.manifest(), sort_keys=False) + f"categories: {DEEP}\n"
    manifest = manifest.replace("categories:\n- case-management\n", "")
    response = publish(client, token, factories.package(**{"appstore.yaml": manifest}))
    assert response.status_code == 422, response.json
    assert "yaml.too-deep" in codes(response)


def test_deploy_file_nested_without_end_is_a_finding(client: FlaskClient, token: str) -> None:
    response = publish(client, token, factories.package(**{"deploy/deep.yaml": f"items: {DEEP}\n"}))
    assert response.status_code == 422, response.json
    assert "yaml.too-deep" in codes(response)


def test_nul_in_readme_is_shown_replaced(client: FlaskClient, token: str) -> None:
    response = publish(client, token, factories.package(**{"README.md": "# App\n\nNUL \x00 here\n"}))
    assert response.status_code == 201, response.json
    page = client.get("/apps/zaakafhandelcomponent")
    assert page.status_code == 200
    assert "\x00" not in page.get_data(as_text=True)


def test_file_name_that_is_not_utf8_is_a_finding(client: FlaskClient, token: str) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", encoding="utf-8", errors="surrogateescape") as tar:
        for name, content in {**factories.package_files(), "docs/caf\udce9.md": b"x"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    response = publish(client, token, buffer.getvalue())
    assert response.status_code == 422, response.json
    assert "archive.bad-name" in codes(response)
    assert all("\udce9" not in f["key"] + f["message"] for f in response.json["findings"])


def test_yaml_loader_bounds_depth_and_refuses_unstorable_text() -> None:
    ok = "a:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 20)) + "  " * 20 + "- leaf\n"
    assert load_yaml(ok.encode(), "ok.yaml")[1] == []
    data, findings = load_yaml(("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode(), "deep.yaml")
    assert data is None and [f.code for f in findings] == ["yaml.too-deep"]
    documents, findings = load_yaml_stream(b'a: 1\n---\nb: "\\ud800"\n', "two.yaml")
    assert documents == [] and [f.code for f in findings] == ["yaml.invalid-character"]
    # Aliases share one list many times: the walk visits it once.
    bomb = b"a: &a [x, y]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    assert load_yaml(bomb, "aliases.yaml")[1] == []


def test_a_release_stored_before_with_a_surrogate_still_shows(sqlite_app: Flask) -> None:
    """Releases published before the loader refused surrogates keep them in their JSON."""
    client = sqlite_app.test_client()
    assert publish(client, add_organisation(sqlite_app, "dimpact"), factories.package()).status_code == 201
    with database(sqlite_app).session() as session:
        release = session.scalars(select(Release)).one()
        release.publiccode = {"descriptions": {"nl": {"shortDescription": "Kort \ud800",
                                                      "longDescription": "Lang \udfff verhaal"}}}
        session.commit()
    page = client.get("/apps/zaakafhandelcomponent")
    assert page.status_code == 200
    assert "Lang \ufffd verhaal" in page.get_data(as_text=True)
