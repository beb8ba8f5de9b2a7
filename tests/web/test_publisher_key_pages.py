"""The signing keys page of an organisation, and what a signed release's page says."""

from __future__ import annotations

import hashlib
import io

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from sdk.signatures import prove_possession, public_pem, sign
from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import bearer
from tests.web.helpers import add_person, csrf_token, sign_in

PAGE = "/organisations/dimpact/keys"


def signed_in_as(app: Flask, email: str, role: str) -> FlaskClient:
    add_person(app, email, "dimpact", role)
    client = app.test_client()
    assert sign_in(client, email) == 302
    return client


def register(client: FlaskClient, public_key: str, proof: str = "x") -> tuple[int, str]:
    answer = client.post(PAGE, data={"public_key": public_key, "proof": proof, "label": "pipeline",
                                     "csrf_token": csrf_token(client, PAGE)})
    return answer.status_code, answer.get_data(as_text=True)


def test_an_owner_registers_and_revokes_and_the_release_page_follows(sqlite_app: Flask) -> None:
    owner = signed_in_as(sqlite_app, "eva@dimpact.example", "owner")
    key = Ed25519PrivateKey.generate()
    status, _ = register(owner, public_pem(key), prove_possession(key, "dimpact"))
    assert status == 302
    token = add_organisation(sqlite_app, "dimpact")
    archive = factories.package()
    signature, fingerprint = sign(key, hashlib.sha256(archive).hexdigest())
    published = sqlite_app.test_client().post(
        "/api/v1/releases", headers=bearer(token), content_type="multipart/form-data",
        data={"package": (io.BytesIO(archive), "app.tar.gz"), "signature": signature, "signatureKey": fingerprint})
    assert published.status_code == 201, published.json
    release_page = "/apps/zaakafhandelcomponent/releases/1.4.0"
    assert "Ondertekend door Dimpact" in owner.get(release_page).get_data(as_text=True)

    assert fingerprint in owner.get(PAGE).get_data(as_text=True)
    revoked = owner.post(f"{PAGE}/{fingerprint}/revocation", data={"csrf_token": csrf_token(owner, PAGE)})
    assert revoked.status_code == 302
    assert "Ingetrokken op" in owner.get(PAGE).get_data(as_text=True)
    page = owner.get(release_page).get_data(as_text=True)
    assert "Ondertekend met een ingetrokken sleutel" in page and "Ondertekend door" not in page


def test_a_bad_or_taken_key_is_an_error_on_the_form(sqlite_app: Flask) -> None:
    owner = signed_in_as(sqlite_app, "eva@dimpact.example", "owner")
    status, page = register(owner, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
    assert status == 400 and "Dit is geen publieke Ed25519-sleutel" in page
    key = Ed25519PrivateKey.generate()
    assert register(owner, public_pem(key), prove_possession(key, "dimpact"))[0] == 302
    status, page = register(owner, public_pem(key), prove_possession(key, "dimpact"))
    assert status == 400 and "Deze sleutel is al geregistreerd" in page


def test_a_key_without_its_proof_for_this_organisation_is_refused_on_the_form(sqlite_app: Flask) -> None:
    owner = signed_in_as(sqlite_app, "eva@dimpact.example", "owner")
    key = Ed25519PrivateKey.generate()
    status, page = register(owner, public_pem(key), prove_possession(key, "utrecht"))  # another's proof
    assert status == 400 and "Dit is niet het bewijs voor deze sleutel en Dimpact" in page
    assert "appstore key-proof SLEUTELBESTAND --organisation dimpact" in page
    assert "Bewijs van bezit" in owner.get(PAGE).get_data(as_text=True)


def test_only_owners_and_maintainers_manage_keys(sqlite_app: Flask) -> None:
    member = signed_in_as(sqlite_app, "piet@dimpact.example", "member")
    assert member.get(PAGE).status_code == 403
    assert sqlite_app.test_client().get(PAGE).status_code == 302  # to sign in
