"""Publishers' keys: who manages them, signed publishing, and revocation that flags, never deletes."""

from __future__ import annotations

import base64
import hashlib
import io

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from sdk.signatures import fingerprint, prove_possession, public_pem, sign
from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import bearer

KEYS = "/api/v1/organisations/{org}/keys"


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def register(client: FlaskClient, org: str, token: str, key: Ed25519PrivateKey, label: str = "ci") -> dict:
    answer = client.post(KEYS.format(org=org), headers=bearer(token), json=key_body(key, org, label))
    assert answer.status_code == 201, answer.json
    return answer.json


def key_body(key: Ed25519PrivateKey, org: str, label: str = "ci") -> dict[str, str]:
    """What registers ``key`` for ``org``: the public key and the proof that names ``org``."""
    return {"publicKey": public_pem(key), "proof": prove_possession(key, org), "label": label}


def publish_signed(client: FlaskClient, token: str, archive: bytes, **fields: str):  # type: ignore[no-untyped-def]
    data: dict = {"package": (io.BytesIO(archive), "app.tar.gz"), **fields}
    return client.post("/api/v1/releases", data=data, headers=bearer(token), content_type="multipart/form-data")


def signature_fields(key: Ed25519PrivateKey, archive: bytes) -> dict[str, str]:
    signature, print_ = sign(key, hashlib.sha256(archive).hexdigest())
    return {"signature": signature, "signatureKey": print_}


def test_an_organisation_registers_lists_and_revokes_its_keys(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    pem_key, raw_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    first = register(client, "dimpact", token, pem_key)
    assert first["fingerprint"] == fingerprint(raw_public(pem_key))
    assert first["revokedAt"] is None
    second = client.post(KEYS.format(org="dimpact"), headers=bearer(token),
                         json={"publicKey": base64.b64encode(raw_public(raw_key)).decode(),
                               "proof": prove_possession(raw_key, "dimpact")})
    assert second.status_code == 201, second.json
    listed = client.get(KEYS.format(org="dimpact"), headers=bearer(token)).json
    assert [k["fingerprint"] for k in listed["items"]] == [first["fingerprint"], second.json["fingerprint"]]

    revoked = client.post(first["links"]["self"] + "/revocation", headers=bearer(token))
    assert revoked.status_code == 200 and revoked.json["revokedAt"]
    again = client.post(first["links"]["self"] + "/revocation", headers=bearer(token))
    assert again.json["revokedAt"] == revoked.json["revokedAt"]  # revoking twice changes nothing
    assert client.get(first["links"]["self"], headers=bearer(token)).json["revokedAt"]


def test_bad_and_duplicate_keys_are_refused_with_what_to_do(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    other = add_organisation(sqlite_app, "utrecht", "municipality")
    url = KEYS.format(org="dimpact")
    not_a_key = client.post(url, headers=bearer(token), json={"publicKey": "x" * 60, "proof": "x"})
    assert not_a_key.status_code == 400
    assert not_a_key.json["invalidParams"][0]["name"] == "publicKey"
    rsa_like = "-----BEGIN PUBLIC KEY-----\n" + "A" * 60 + "\n-----END PUBLIC KEY-----\n"
    assert client.post(url, headers=bearer(token), json={"publicKey": rsa_like, "proof": "x"}).status_code == 400
    key = Ed25519PrivateKey.generate()
    register(client, "dimpact", token, key)
    # Holding the private key, utrecht still cannot register it twice: a key belongs to one organisation.
    taken = client.post(KEYS.format(org="utrecht"), headers=bearer(other), json=key_body(key, "utrecht"))
    assert taken.status_code == 409


def test_another_organisations_key_cannot_be_squatted(sqlite_app: Flask) -> None:
    """Registering a key takes proof of its private key that names the registering organisation."""
    client = sqlite_app.test_client()
    victim = add_organisation(sqlite_app, "dimpact")
    squatter = add_organisation(sqlite_app, "utrecht", "municipality")
    key = Ed25519PrivateKey.generate()
    archive = factories.package()
    release_signature = signature_fields(key, archive)["signature"]
    url = KEYS.format(org="utrecht")
    for attempt in ({"publicKey": public_pem(key)},  # no proof at all
                    {"publicKey": public_pem(key), "proof": prove_possession(key, "dimpact")},  # the victim's proof
                    {"publicKey": public_pem(key), "proof": release_signature},  # a release signature replayed
                    {"publicKey": public_pem(key), "proof": prove_possession(Ed25519PrivateKey.generate(),
                                                                             "utrecht")}):  # another key's proof
        refused = client.post(url, headers=bearer(squatter), json=attempt)
        assert refused.status_code == 400, attempt
        assert [p["name"] for p in refused.json["invalidParams"]] == ["proof"]
    refused = client.post(url, headers=bearer(squatter), json={"publicKey": public_pem(key),
                                                               "proof": prove_possession(key, "dimpact")})
    assert refused.json["invalidParams"][0]["code"] == "publisher-key.unproven"
    assert "appstore register-key" in refused.json["invalidParams"][0]["reason"]
    assert client.get(url, headers=bearer(squatter)).json["total"] == 0  # nothing half-written
    register(client, "dimpact", victim, key)  # the key's holder registers it still


def test_only_the_organisations_own_token_manages_its_keys(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    theirs = add_organisation(sqlite_app, "utrecht", "municipality")
    key = register(client, "dimpact", token, Ed25519PrivateKey.generate())
    url = KEYS.format(org="dimpact")
    assert client.get(url).status_code == 401
    for method, path in (("GET", url), ("POST", url), ("GET", key["links"]["self"]),
                         ("POST", key["links"]["self"] + "/revocation")):
        answer = client.open(path, method=method, headers=bearer(theirs),
                             json={"publicKey": public_pem(Ed25519PrivateKey.generate())})
        assert answer.status_code == 403, (method, path)
    assert client.get(KEYS.format(org="nobody"), headers=bearer(token)).status_code == 404
    assert client.get(url + "/" + "0" * 64, headers=bearer(token)).status_code == 404


def test_a_signed_release_says_who_signed_it(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    key = Ed25519PrivateKey.generate()
    registered = register(client, "dimpact", token, key)
    archive = factories.package()
    published = publish_signed(client, token, archive, **signature_fields(key, archive))
    assert published.status_code == 201, published.json
    signed_by = published.json["signedBy"]
    assert signed_by["organisation"] == "dimpact"
    assert signed_by["key"] == registered["fingerprint"]
    assert signed_by["signedAt"] and signed_by["revoked"] is False
    unsigned = publish_signed(client, token, factories.package(factories.manifest(version="1.5.0")))
    assert unsigned.status_code == 201 and unsigned.json["signedBy"] is None

    client.post(registered["links"]["self"] + "/revocation", headers=bearer(token))
    kept = client.get(published.headers["Location"])
    assert kept.status_code == 200  # the release stays, flagged
    assert kept.json["signedBy"]["revoked"] is True


def test_a_bad_signature_or_unknown_key_publishes_nothing(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    key, stranger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    registered = register(client, "dimpact", token, key)
    archive = factories.package()
    other_archive = factories.package(factories.manifest(version="9.9.9"))

    wrong = publish_signed(client, token, archive, **signature_fields(key, other_archive))
    assert wrong.status_code == 422
    assert [f["code"] for f in wrong.json["findings"]] == ["signature.invalid"]
    garbage = publish_signed(client, token, archive, signature="not base64!", signatureKey=registered["fingerprint"])
    assert [f["code"] for f in garbage.json["findings"]] == ["signature.invalid"]
    unknown = publish_signed(client, token, archive, **signature_fields(stranger, archive))
    assert unknown.status_code == 422
    assert [f["code"] for f in unknown.json["findings"]] == ["signature.unknown-key"]
    half = publish_signed(client, token, archive, signature=signature_fields(key, archive)["signature"])
    assert half.status_code == 400 and half.json["invalidParams"][0]["name"] == "signatureKey"

    client.post(registered["links"]["self"] + "/revocation", headers=bearer(token))
    revoked = publish_signed(client, token, archive, **signature_fields(key, archive))
    assert [f["code"] for f in revoked.json["findings"]] == ["signature.unknown-key"]
    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").status_code == 404


def test_another_organisations_key_does_not_sign_for_you(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    theirs = add_organisation(sqlite_app, "utrecht", "municipality")
    key = Ed25519PrivateKey.generate()
    register(client, "utrecht", theirs, key)
    archive = factories.package()
    refused = publish_signed(client, token, archive, **signature_fields(key, archive))
    assert [f["code"] for f in refused.json["findings"]] == ["signature.unknown-key"]
