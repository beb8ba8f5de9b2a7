"""Curators verify organisations over the API and the admin CLI; the catalogue shows it."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from registry.cli import main
from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish

AMSTERDAM = "00000001002564440000"


def verify(client: FlaskClient, token: str, slug: str, body: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/organisations/{slug}/verification", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def test_a_curator_verifies_and_the_catalogue_shows_it(app: Flask, client: FlaskClient) -> None:
    curator = add_organisation(app, "appstore", "registry")
    publisher = add_organisation(app, "amsterdam", "municipality")
    assert publish(client, publisher, factories.package(factories.manifest(publisher="amsterdam"))).status_code == 201
    profile = client.get("/api/v1/organisations/amsterdam").json
    assert (profile["verified"], profile["identifierType"]) == (False, None)
    assert client.get("/api/v1/apps").json["items"][0]["publisherVerified"] is False

    response = verify(client, curator, "amsterdam", {"oin": AMSTERDAM})
    assert response.status_code == 200
    assert response.json["verified"] is True and response.json["identifierType"] == "oin"
    assert AMSTERDAM not in response.get_data(as_text=True)  # the profile names the type, not the number
    summary = client.get("/api/v1/apps").json["items"][0]
    assert summary["publisherVerified"] is True and summary["verified"] is True
    assert client.get("/api/v1/apps/zaakafhandelcomponent").json["publisherVerified"] is True


def test_the_identifier_must_fit_the_kind(app: Flask, client: FlaskClient) -> None:
    curator = add_organisation(app, "appstore", "registry")
    add_organisation(app, "amsterdam", "municipality")
    add_organisation(app, "acme", "vendor")
    add_organisation(app, "dimpact", "cooperation")
    wrong = verify(client, curator, "amsterdam", {"kvk": "69599084"})
    assert wrong.status_code == 400 and "verified with an OIN" in wrong.json["detail"]
    assert verify(client, curator, "acme", {"oin": AMSTERDAM}).status_code == 400
    assert verify(client, curator, "acme", {"kvk": "69599084"}).status_code == 200
    assert verify(client, curator, "dimpact", {"kvk": "34283213"}).status_code == 200


def test_bad_requests_are_400_with_what_to_send(app: Flask, client: FlaskClient) -> None:
    curator = add_organisation(app, "appstore", "registry")
    add_organisation(app, "amsterdam", "municipality")
    for body in (None, {}, {"oin": AMSTERDAM, "kvk": "69599084"}, {"bsn": "123"}, {"oin": 1}, ["oin"]):
        response = verify(client, curator, "amsterdam", body)
        assert response.status_code == 400, body
        assert response.content_type == "application/problem+json"
    malformed = verify(client, curator, "amsterdam", {"oin": "00000001002564441000"})
    assert malformed.status_code == 400 and "eleven-test" in malformed.json["detail"]
    assert verify(client, curator, "nobody", {"oin": AMSTERDAM}).status_code == 404
    assert client.get("/api/v1/organisations/nobody").status_code == 404


def test_one_identifier_verifies_one_organisation(app: Flask, client: FlaskClient) -> None:
    curator = add_organisation(app, "appstore", "registry")
    add_organisation(app, "amsterdam", "municipality")
    add_organisation(app, "mokum", "municipality")
    assert verify(client, curator, "amsterdam", {"oin": AMSTERDAM}).status_code == 200
    assert verify(client, curator, "amsterdam", {"oin": AMSTERDAM}).status_code == 200  # again: fine
    taken = verify(client, curator, "mokum", {"oin": AMSTERDAM})
    assert taken.status_code == 409 and "amsterdam" in taken.json["detail"]


def test_withdrawing_a_verification(app: Flask, client: FlaskClient) -> None:
    curator = add_organisation(app, "appstore", "registry")
    add_organisation(app, "amsterdam", "municipality")
    headers = {"Authorization": f"Bearer {curator}"}
    assert client.delete("/api/v1/organisations/amsterdam/verification", headers=headers).status_code == 409
    verify(client, curator, "amsterdam", {"oin": AMSTERDAM})
    assert client.delete("/api/v1/organisations/amsterdam/verification", headers=headers).status_code == 204
    assert client.get("/api/v1/organisations/amsterdam").json["verified"] is False


def test_the_admin_cli_verifies(app: Flask, client: FlaskClient) -> None:
    add_organisation(app, "amsterdam", "municipality")
    runner = CliRunner()

    def admin(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), obj={"app": app})

    done = admin("org", "verify", "amsterdam", "--oin", AMSTERDAM)
    assert done.exit_code == 0, done.output
    assert "verified (oin 00000001002564440000)" in done.output
    assert client.get("/api/v1/organisations/amsterdam").json["verified"] is True
    both = admin("org", "verify", "amsterdam", "--oin", AMSTERDAM, "--kvk", "69599084")
    assert both.exit_code == 1 and "exactly one of --oin and --kvk" in both.output
    bad = admin("org", "verify", "amsterdam", "--oin", "123")
    assert bad.exit_code == 1 and "20 digits" in bad.output
    assert admin("org", "unverify", "amsterdam", "--reason", "wrong OIN").exit_code == 0
    assert client.get("/api/v1/organisations/amsterdam").json["verified"] is False
