"""A profile's `requireSignedReleasesFrom`: unsigned releases from that date do not meet its policy."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from sdk.errors import AppstoreError
from sdk.profiles import load_profile
from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import bearer
from tests.registry.test_profiles import matrix, profile_yaml, put_profile, reverify
from tests.registry.test_publisher_keys import publish_signed, register, signature_fields


def signed_profile(slug: str, required_from: str | None) -> str:
    extra = f'requireSignedReleasesFrom: "{required_from}"\n' if required_from else ""
    return profile_yaml(slug, ["1.30"]) + extra


def test_an_unsigned_release_runs_but_does_not_meet_a_profile_that_requires_signatures(sqlite_app: Flask) -> None:
    put_profile(sqlite_app, signed_profile("streng", "2000-01-01"))
    put_profile(sqlite_app, signed_profile("later", "2999-01-01"))
    put_profile(sqlite_app, signed_profile("vrij", None))
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    key = Ed25519PrivateKey.generate()
    registered = register(client, "dimpact", token, key)

    assert publish_signed(client, token, factories.package()).status_code == 201
    rows = matrix(client)
    strict = rows["streng"]
    assert strict["runs"] is True and strict["meetsPolicy"] is False and strict["failedPolicies"] == ["signature"]
    required = [f for f in strict["findings"] if f["code"] == "signature.required"]
    assert required and required[0]["kind"] == "policy" and required[0]["severity"] == "error"
    assert rows["later"]["compatible"] is True and rows["vrij"]["compatible"] is True

    signed = factories.package(factories.manifest(version="1.5.0"))
    assert publish_signed(client, token, signed, **signature_fields(key, signed)).status_code == 201
    assert matrix(client, "1.5.0")["streng"]["compatible"] is True

    # A revoked key no longer counts: the next verification says so, and keeps the rest.
    client.post(registered["links"]["self"] + "/revocation", headers=bearer(token))
    reverify(sqlite_app)
    assert matrix(client, "1.5.0")["streng"]["failedPolicies"] == ["signature"]
    assert matrix(client, "1.5.0")["vrij"]["compatible"] is True


def test_the_date_must_be_a_date() -> None:
    with pytest.raises(AppstoreError, match="requireSignedReleasesFrom"):
        load_profile(signed_profile("streng", "soon"))
    assert load_profile(signed_profile("streng", "2027-01-01")).require_signed_releases_from.isoformat() == "2027-01-01"
