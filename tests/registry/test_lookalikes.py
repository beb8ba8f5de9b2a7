"""Look-alike ids and names: another organisation cannot publish a copy that a
reader cannot tell from the original (Cyrillic letters, dash variants, zero-width
and bidirectional characters); the owner's own apps are free to resemble each other."""

from __future__ import annotations

import unicodedata

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from plugins.manifest_schema import SchemaCheck
from registry.migrations import upgrade
from registry.services.lookalikes import _digest, cased_skeleton, cased_skeleton_digest, skeleton, skeleton_digest
from sdk.text import is_hidden
from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_migrations import seed_app
from tests.registry.test_publish_api import publish

ZWSP, RLO = "\u200b", "\u202e"


def publish_app(client: FlaskClient, token: str, app_id: str, name: str, publisher: str):  # type: ignore[no-untyped-def]
    manifest = factories.manifest(id=app_id, name=name, publisher=publisher)
    return publish(client, token, factories.package(manifest))


def error_codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [f["code"] for f in response.json.get("findings", []) if f["severity"] == "error"]


@pytest.fixture
def original(app: Flask, client: FlaskClient) -> str:
    """dimpact's Open-Zaak; returns a token of another organisation, wigo4it."""
    response = publish_app(client, add_organisation(app, "dimpact"), "open-zaak", "Open-Zaak", "dimpact")
    assert response.status_code == 201, response.json
    return add_organisation(app, "wigo4it")


@pytest.mark.parametrize("name", [
    "\u041epen-Zaak",        # Cyrillic О
    "Open-Z\u0430ak",        # Cyrillic а
    "Open\u2010Zaak",        # HYPHEN
    "Open\u2212Zaak",        # MINUS SIGN
    "Open\u2013Zaak",        # EN DASH
    "OPEN-ZAAK",             # case
    "\uff2fpen-Zaak",        # full-width O
    "0pen-Zaak",             # digit zero
])
def test_a_lookalike_name_of_another_organisations_app_is_refused(client: FlaskClient, original: str,
                                                                  name: str) -> None:
    response = publish_app(client, original, "zaken-wigo", name, "wigo4it")
    assert response.status_code == 422, response.json
    assert error_codes(response) == ["identity.lookalike-name"]
    finding = response.json["findings"][0]
    assert finding["key"] == "name"
    assert "open-zaak" in finding["message"] and "dimpact" in finding["message"]


@pytest.mark.parametrize("name", [f"Open{ZWSP}-Zaak", f"{RLO}kaaZ-nepO", "Open-Zaak\ufe0f", "Open\u2060-Zaak"])
def test_invisible_and_direction_characters_in_a_name_are_refused(client: FlaskClient, original: str,
                                                                  name: str) -> None:
    response = publish_app(client, original, "zaken-wigo", name, "wigo4it")
    assert response.status_code == 422, response.json
    assert "manifest.invisible-character" in error_codes(response)


@pytest.mark.parametrize(("existing", "copy"), [("modules", "rnodules"), ("open-zaak1", "open-zaakl")])
def test_a_lookalike_id_of_another_organisations_app_is_refused(app: Flask, client: FlaskClient,
                                                                existing: str, copy: str) -> None:
    assert publish_app(client, add_organisation(app, "dimpact"), existing, "Origineel", "dimpact").status_code == 201
    response = publish_app(client, add_organisation(app, "wigo4it"), copy, "Iets anders", "wigo4it")
    assert response.status_code == 422, response.json
    assert error_codes(response) == ["identity.lookalike-id"]
    assert existing in response.json["findings"][0]["message"]


def test_the_owner_may_publish_apps_that_resemble_its_own(app: Flask, client: FlaskClient) -> None:
    token = add_organisation(app, "dimpact")
    assert publish_app(client, token, "open-zaak", "Open-Zaak", "dimpact").status_code == 201
    response = publish_app(client, token, "open-zaak-demo", "Open\u2010Zaak", "dimpact")
    assert response.status_code == 201, response.json


def test_a_different_name_passes(client: FlaskClient, original: str) -> None:
    assert publish_app(client, original, "open-klant", "Open Klant", "wigo4it").status_code == 201


def test_a_later_release_cannot_rename_to_a_lookalike(app: Flask, client: FlaskClient, original: str) -> None:
    assert publish_app(client, original, "zaken-wigo", "Zaken Wigo", "wigo4it").status_code == 201
    manifest = factories.manifest(id="zaken-wigo", name="Open\u2010Zaak", publisher="wigo4it", version="1.5.0")
    response = publish(client, original, factories.package(manifest))
    assert error_codes(response) == ["identity.lookalike-name"]


def test_skeletons_fold_what_readers_cannot_see() -> None:
    assert skeleton("Open-Zaak") == skeleton(f"\u041epen\u2212Z\u0430{ZWSP}ak") == "open-zaak"
    # A capital Cyrillic М looks like M, but its lower case (м) looks like no Latin letter:
    # the cased skeleton, taken before case is folded, catches it.
    assert skeleton("Meldingen") != skeleton("\u041c\u0435ldingen")
    assert cased_skeleton("Meldingen") == cased_skeleton("\u041c\u0435ldingen")
    assert skeleton("modules") == skeleton("rnodules")
    assert skeleton("Open Zaak") != skeleton("Open Klant")


def test_digests_kept_per_process_match_those_taken_afresh() -> None:
    short, long = f"Open{ZWSP}Zaak", "Open Zaak " * 40  # the long one is past what is kept
    for name in (short, short, long, long):
        assert skeleton_digest(name) == _digest(skeleton(name))
        assert cased_skeleton_digest(name) == _digest(cased_skeleton(name))


def test_ascii_characters_are_hidden_by_the_same_rule_as_the_rest() -> None:
    for point in range(0x80):
        char = chr(point)
        assert is_hidden(char) == (unicodedata.category(char) in {"Cc", "Cf"}), hex(point)


def test_id_with_a_trailing_newline_is_not_a_slug() -> None:
    findings = SchemaCheck(factories.manifest(id="open-zaak\n")).run()
    assert [f.code for f in findings] == ["manifest.invalid-id"]


def test_migration_backfills_skeletons(database_url: str) -> None:
    upgrade(database_url, "0003")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            seed_app(conn, "open-zaak", "Open Zaak")
        upgrade(database_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id_skeleton, name_skeleton FROM app")).one()
        assert tuple(row) == (skeleton_digest("open-zaak"), skeleton_digest("Open Zaak"))
    finally:
        engine.dispose()


def test_a_name_with_lookalike_capitals_is_refused(app: Flask, client: FlaskClient) -> None:
    assert publish_app(client, add_organisation(app, "dimpact"), "meldingen", "Meldingen", "dimpact").status_code == 201
    copy = publish_app(client, add_organisation(app, "wigo4it"), "meldingen-copy", "\u041c\u0435ldingen", "wigo4it")
    assert copy.status_code == 422, copy.json
    assert error_codes(copy) == ["identity.lookalike-name"]
