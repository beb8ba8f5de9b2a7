"""Absolute links come from APPSTORE_PUBLIC_URL, never from the Host header; the
client's address and scheme come from forwarded headers only behind as many
proxies as APPSTORE_TRUSTED_PROXIES says."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from registry.cli import main
from registry.config import Defaults, check
from registry.db import database
from registry.errors import ConfigurationError
from tests.conftest import add_organisation, copy_of, make_app
from tests.factories import package
from tests.web.helpers import add_person, csrf_token, sign_in

PUBLIC = "https://appstore.gemeente.example"
FORGED = {"Host": "evil.example"}
HTTPS_VIA_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}


@pytest.fixture
def build(tmp_path: Path, sqlite_template: Path) -> Iterator[Any]:
    apps: list[Flask] = []

    def build_app(**overrides: object) -> Flask:
        url = copy_of(sqlite_template, tmp_path / f"r{len(apps)}.db")
        application = make_app(tmp_path / f"data{len(apps)}", url, with_schema=True, **overrides)
        apps.append(application)
        return application

    yield build_app
    for application in apps:
        database(application).dispose()


def publish(app: Flask) -> None:
    token = add_organisation(app, "dimpact")
    response = app.test_client().post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                                      data={"package": (io.BytesIO(package()), "zaakafhandelcomponent-1.4.0.tar.gz")})
    assert response.status_code == 201, response.get_json()


def api_links(body: Any) -> list[str]:
    """Every value under a ``links`` key, anywhere in a JSON body."""
    if isinstance(body, list):
        return [link for item in body for link in api_links(item)]
    if not isinstance(body, dict):
        return []
    found = [v for v in body.get("links", {}).values() if isinstance(v, str)]
    return found + [link for key, value in body.items() if key != "links" for link in api_links(value)]


def test_a_forged_host_header_does_not_change_api_links(build: Any) -> None:
    app = build(PUBLIC_URL=PUBLIC + "/")
    publish(app)
    client = app.test_client()
    for path in ("/api/v1/apps", "/api/v1/apps/zaakafhandelcomponent",
                 "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0", "/api/v1/organisations/dimpact"):
        response = client.get(path, headers=FORGED)
        assert response.status_code == 200, path
        links = api_links(response.get_json())
        assert links, f"{path} has no links"
        assert all(link.startswith(PUBLIC + "/api/v1/") for link in links), links


def test_install_instructions_and_token_page_use_the_public_url(build: Any) -> None:
    app = build(PUBLIC_URL=PUBLIC)
    publish(app)
    add_person(app, "eva@dimpact.example")
    client = app.test_client()
    page = client.get("/apps/zaakafhandelcomponent", headers=FORGED).get_data(as_text=True)
    assert f"export APPSTORE_REGISTRY={PUBLIC}\n" in page
    assert f"curl -fLO {PUBLIC}/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/package" in page
    assert "evil.example" not in page
    sign_in(client, "eva@dimpact.example")
    token = csrf_token(client, "/organisations/dimpact")
    created = client.post("/organisations/dimpact/tokens", data={"csrf_token": token})
    assert f"export APPSTORE_REGISTRY={PUBLIC}\n" in created.get_data(as_text=True)


def test_a_public_url_with_a_path_keeps_it(build: Any) -> None:
    app = build(PUBLIC_URL="https://www.gemeente.example/appstore")
    publish(app)
    body = app.test_client().get("/api/v1/apps/zaakafhandelcomponent").get_json()
    assert body["links"]["self"] == "https://www.gemeente.example/appstore/api/v1/apps/zaakafhandelcomponent"


@pytest.mark.parametrize("value", ["appstore.example", "ftp://appstore.example", "https://", "https://a.example/?x=1",
                                   "https://user:pw@a.example"])
def test_a_public_url_that_is_not_an_address_is_refused(value: str) -> None:
    config = {k: v for k, v in vars(Defaults).items() if k.isupper()}
    with pytest.raises(ConfigurationError, match="APPSTORE_PUBLIC_URL"):
        check({**config, "PUBLIC_URL": value})


@pytest.mark.parametrize("value", [-1, 11])
def test_a_number_of_proxies_out_of_range_is_refused(value: int) -> None:
    config = {k: v for k, v in vars(Defaults).items() if k.isupper()}
    with pytest.raises(ConfigurationError, match="APPSTORE_TRUSTED_PROXIES"):
        check({**config, "TRUSTED_PROXIES": value})


def test_serve_on_a_public_interface_needs_a_public_url(build: Any) -> None:
    app = build()
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"], obj={"app": app})
    assert result.exit_code == 1
    assert "APPSTORE_PUBLIC_URL" in result.output


def test_behind_one_trusted_proxy_https_gives_secure_cookies_and_hsts(build: Any) -> None:
    response = build(TRUSTED_PROXIES=1).test_client().get("/sign-in", headers=HTTPS_VIA_PROXY)
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_trusted_proxies_forwarded_headers_are_ignored(build: Any) -> None:
    response = build().test_client().get("/sign-in", headers=HTTPS_VIA_PROXY)
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def failed_sign_ins(client: FlaskClient, count: int, forwarded_for: str | None = None) -> list[int]:
    statuses = []
    for i in range(count):
        token = csrf_token(client)
        headers = {"X-Forwarded-For": forwarded_for or f"198.51.100.{i}"}
        statuses.append(client.post("/sign-in", headers=headers, data={
            "email": "eva@dimpact.example", "password": f"guess number {i}", "csrf_token": token}).status_code)
    return statuses


def test_without_trusted_proxies_a_forged_client_address_does_not_escape_the_limit(build: Any) -> None:
    app = build()
    add_person(app, "eva@dimpact.example")
    assert failed_sign_ins(app.test_client(), 6) == [401] * 5 + [429]


def test_behind_a_trusted_proxy_the_limit_is_per_client_not_per_proxy(build: Any) -> None:
    app = build(TRUSTED_PROXIES=1)
    add_person(app, "eva@dimpact.example")
    client = app.test_client()
    assert failed_sign_ins(client, 6, "203.0.113.5") == [401] * 5 + [429]
    token = csrf_token(client)
    other = client.post("/sign-in", headers={"X-Forwarded-For": "203.0.113.6"}, data={
        "email": "eva@dimpact.example", "password": "correct horse battery staple", "csrf_token": token})
    assert other.status_code == 302  # a colleague behind the same balancer signs in


def test_token_create_names_the_public_url(build: Any) -> None:
    app = build(PUBLIC_URL=PUBLIC)
    add_organisation(app, "dimpact")
    result = CliRunner().invoke(main, ["token", "create", "--org", "dimpact"], obj={"app": app})
    assert result.exit_code == 0, result.output
    assert f"APPSTORE_REGISTRY={PUBLIC} " in result.output


def test_absolute_links_are_built_in_one_place_only() -> None:
    """A new ``url_for(..., _external=True)`` would take the Host header again."""
    root = Path(__file__).resolve().parents[2]
    allowed = root / "registry" / "public_urls.py"
    pattern = re.compile(r"_external\s*=\s*True|request\.(host|url_root|host_url)\b")
    offenders = [f"{path.relative_to(root)}:{number}"
                 for folder in ("registry", "web") for path in sorted((root / folder).rglob("*"))
                 if path.suffix in (".py", ".html") and path != allowed and "node_modules" not in path.parts
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, f"build absolute links with external_url_for: {offenders}"
