"""The web store's pages through Flask's test client: status codes, headers,
authorisation and CSRF. What a person sees is tested in a real browser
(test_browser.py)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import manifest, package
from tests.web.helpers import add_person, csrf_token, sign_in


@pytest.fixture
def published(client: FlaskClient, token: str) -> None:
    response = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                           data={"package": (io.BytesIO(package()), "zaakafhandelcomponent-1.4.0.tar.gz")})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("path", [
    "/", "/apps", "/apps?q=zaak", "/apps?layer=process&license=open&kind=cooperation",
    "/apps/zaakafhandelcomponent", "/apps/zaakafhandelcomponent/releases/1.4.0",
    "/organisations/dimpact", "/sign-in",
])
def test_public_pages_answer(client: FlaskClient, published: None, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(("path", "status"), [
    ("/apps/no-such-app", 404), ("/apps/zaakafhandelcomponent/releases/9.9.9", 404),
    ("/organisations/nobody", 404), ("/apps?layer=attic", 400), ("/apps?page=x", 400),
])
def test_unknown_things_are_errors_in_html(client: FlaskClient, published: None, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'href="/"' in page  # always a way on: the home page
    assert ('role="search"' in page) == (status == 404)  # and for what was not found, the search


def test_not_found_offers_the_search_in_dutch(client: FlaskClient) -> None:
    page = client.get("/apps/no-such-app", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Zoek in de catalogus" in page and 'action="/apps"' in page


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS
    secure = client.get("/", base_url="https://appstore.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_lax_and_secure_on_https(client: FlaskClient) -> None:
    plain = client.get("/sign-in").headers.get("Set-Cookie", "")
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = client.get("/sign-in", base_url="https://appstore.example").headers.get("Set-Cookie", "")
    assert "Secure" in secure


def test_forms_without_csrf_token_are_refused(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    response = client.post("/sign-in", data={"email": "eva@dimpact.example", "password": "x" * 12})
    assert response.status_code == 400
    assert client.post("/language", data={"lang": "en"}).status_code == 400


def test_api_is_not_subject_to_csrf(client: FlaskClient, token: str) -> None:
    response = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                           data={"package": (io.BytesIO(package()), "p.tar.gz")})
    assert response.status_code == 201


def test_sign_in_and_out(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    assert client.get("/account").status_code == 302
    assert sign_in(client, "eva@dimpact.example", "wrong password!") == 401
    assert sign_in(client, "eva@dimpact.example") == 302
    assert client.get("/account").status_code == 200
    assert client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")}).status_code == 302
    assert client.get("/account").status_code == 302


def test_sign_in_is_rate_limited_per_account(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    statuses = [sign_in(client, "eva@dimpact.example", f"guess number {i}") for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert sign_in(client, "eva@dimpact.example") == 429  # even the right password waits


def test_next_after_sign_in_stays_on_this_site(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    token = csrf_token(client)
    response = client.post("/sign-in", data={"email": "eva@dimpact.example", "password": "correct horse battery staple",
                                             "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/account"


def test_tokens_are_for_owners_and_maintainers(app: Flask, client: FlaskClient) -> None:
    add_person(app, "lid@dimpact.example", role="member")
    sign_in(client, "lid@dimpact.example")
    token = csrf_token(client, "/account")
    assert client.post("/organisations/dimpact/tokens", data={"csrf_token": token}).status_code == 403


def test_owner_creates_and_revokes_a_token(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    sign_in(client, "eva@dimpact.example")
    token = csrf_token(client, "/organisations/dimpact")
    created = client.post("/organisations/dimpact/tokens", data={"csrf_token": token, "description": "CI"})
    assert created.status_code == 200
    secret = created.get_data(as_text=True).split('data-testid="token-secret">')[1].split("<")[0]
    assert client.get("/api/v1/apps", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    from registry.db import database
    from registry.models import ApiToken

    with database(app).session() as session:
        token_id = session.query(ApiToken.id).order_by(ApiToken.id.desc()).first()[0]
    assert client.post(f"/organisations/dimpact/tokens/{token_id}/revoke",
                       data={"csrf_token": token}).status_code == 302
    refused = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {secret}"},
                          data={"package": (io.BytesIO(package()), "p.tar.gz")})
    assert refused.status_code == 401


def test_revoking_another_organisations_token_is_not_found(app: Flask, client: FlaskClient, token: str) -> None:
    add_person(app, "eva@gemeente.example", org="voorbeeldstad")
    sign_in(client, "eva@gemeente.example")
    csrf = csrf_token(client, "/account")
    assert client.post("/organisations/voorbeeldstad/tokens/1/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/organisations/dimpact/tokens/1/revoke", data={"csrf_token": csrf}).status_code == 403


def test_publish_in_the_browser_gives_the_same_answers_as_the_api(app: Flask, client: FlaskClient) -> None:
    add_person(app, "eva@dimpact.example")
    sign_in(client, "eva@dimpact.example")
    csrf = csrf_token(client, "/publish")

    def upload(data: bytes) -> int:
        return client.post("/publish", data={"csrf_token": csrf, "organisation": "dimpact",
                                             "package": (io.BytesIO(data), "p.tar.gz")}).status_code

    assert upload(package(manifest(license=None))) == 422
    assert upload(package()) == 302
    assert upload(package()) == 409
    assert upload(package(manifest(publisher="somebody-else", id="other-app"))) in (403, 422)



def test_findings_speak_the_language_of_the_page(client: FlaskClient, token: str) -> None:
    data = manifest(version="1.5.0-rc.1")
    response = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                           data={"package": (io.BytesIO(package(data)), "zaakafhandelcomponent-1.5.0-rc.1.tar.gz")})
    assert response.status_code == 201, response.get_json()
    finding = next(f for f in response.get_json()["findings"] if f["code"] == "version.prerelease")
    assert finding["data"] == {"version": "1.5.0-rc.1"}
    dutch = client.get("/apps/zaakafhandelcomponent/releases/1.5.0-rc.1").get_data(as_text=True)
    assert "1.5.0-rc.1 is een voorlopige versie" in dutch
    assert "is a pre-release" not in dutch
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    english = client.get("/apps/zaakafhandelcomponent/releases/1.5.0-rc.1").get_data(as_text=True)
    assert "1.5.0-rc.1 is a pre-release" in english
