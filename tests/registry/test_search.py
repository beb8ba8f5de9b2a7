"""Search that understands Dutch municipal words, on SQLite (FTS5) and PostgreSQL alike:
stems and prefixes, synonyms of categories, ranking, sorts and suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.orm import Session

from registry.db import database
from registry.migrations import upgrade
from registry.models import App, Environment, Installation, Organisation, PlatformProfileRecord, Release
from registry.services.browsing import BrowseService
from registry.services.catalogue import AppQuery, CatalogueService
from tests import factories
from tests.conftest import add_organisation
from tests.registry.test_publish_api import publish

#: id -> (name, summary, categories): words chosen so each example has one answer.
CATALOGUE = {
    "register": ("Register", "Alle zaken op een rij", ["data-collection"]),
    "procesbord": ("Procesbord", "Zaakgericht samenwerken in teams", ["workflow-management"]),
    "dossierbeheer": ("Dossierbeheer", "Dossiers van inwoners bijhouden", ["case-management"]),
    "afvalkalender": ("Afvalkalender", "Wanneer de container wordt geleegd", ["other"]),
    "vergunningcheck": ("Vergunningcheck", "Nagaan of iets mag", ["permits"]),
    "bouwloket": ("Bouwloket", "Bouwaanvragen en vergunningen indienen", ["forms"]),
}


def publish_app(client: FlaskClient, token: str, app_id: str, version: str = "1.0.0") -> None:
    name, summary, categories = CATALOGUE[app_id]
    manifest = factories.manifest(id=app_id, version=version, name=name, summary=summary, categories=categories)
    publiccode = factories.publiccode(name)
    # The description says only what the summary says, so every word is accounted for.
    publiccode["description"]["nl"] = {"shortDescription": summary, "longDescription": f"{summary}. " * 8,
                                       "features": [summary]}
    files = factories.package_files(manifest, **{"publiccode.yml": yaml.safe_dump(publiccode)})
    response = publish(client, token, factories.tar_gz(files))
    assert response.status_code == 201, response.json["findings"]


def seed(app: Flask, client: FlaskClient) -> str:
    token = add_organisation(app, "dimpact")
    for app_id in CATALOGUE:
        publish_app(client, token, app_id)
    return token


def found(client: FlaskClient, q: str, **args: str) -> list[str]:
    response = client.get("/api/v1/apps", query_string={"q": q, **args})
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_dutch_words_stems_prefixes_synonyms_and_ranking(app: Flask, client: FlaskClient) -> None:
    seed(app, client)
    # "zaak" finds "zaken" (the same stem) and "zaakgericht" (a prefix); the case-management
    # app is found under its category's words.
    assert set(found(client, "zaak")) == {"register", "procesbord", "dossierbeheer"}
    # (the workflow board is "zaakgericht" and has "werk" in its category's words)
    assert set(found(client, "zaakgericht werken")) == {"dossierbeheer", "procesbord"}
    assert found(client, "zaaksysteem") == ["dossierbeheer"]
    assert set(found(client, "Vergunningen")) == set(found(client, "vergunning"))  # case and plural alike
    assert found(client, "afval") == ["afvalkalender"]
    # Every word must match; words that match nothing find nothing.
    assert found(client, "zaak afval") == []
    assert found(client, "%") == [] and found(client, "'\"*") == []
    # A match in the name ranks first.
    assert found(client, "vergunning") == ["vergunningcheck", "bouwloket"]
    assert found(client, "bouw") == ["bouwloket"]


def test_sorts_by_name_last_release_and_adoption(app: Flask, client: FlaskClient) -> None:
    token = seed(app, client)
    assert found(client, "", sort="name") == sorted(CATALOGUE, key=lambda a: CATALOGUE[a][0].lower())
    publish_app(client, token, "afvalkalender", "1.1.0")
    assert found(client, "", sort="released")[0] == "afvalkalender"
    run_in_production(app, "procesbord", municipalities=2)
    run_in_production(app, "bouwloket", municipalities=1)
    assert found(client, "", sort="adoption")[:2] == ["procesbord", "bouwloket"]
    assert found(client, "zaak", sort="name") == ["dossierbeheer", "procesbord", "register"]
    assert client.get("/api/v1/apps?sort=downloads").status_code == 400


def test_suggestions_on_zero_results_and_facets_of_a_search(app: Flask, client: FlaskClient) -> None:
    seed(app, client)
    with database(app).session() as session:
        page = BrowseService(session).browse(AppQuery(q="afvalkalnder"))
        assert page.page.total == 0 and page.page.suggestion == "afvalkalender"
        page = CatalogueService(session).search(AppQuery(q="zaaksysteme bouwloket"))
        assert page.suggestion == "zaaksysteem bouwloket"
        assert CatalogueService(session).search(AppQuery(q="qqqqqq")).suggestion is None
        assert CatalogueService(session).search(AppQuery(q="afvalkalender")).suggestion is None
        # The facets count only what the search finds.
        page = BrowseService(session).browse(AppQuery(q="zaak"))
    assert page.page.total == 3
    assert {f.value: f.count for f in page.facets.category} == {
        "data-collection": 1, "workflow-management": 1, "case-management": 1}


def test_upgrade_indexes_the_apps_published_before_the_index(database_url: str) -> None:
    upgrade(database_url, "0009")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            # Rows as the 0009 schema holds them, through its reflected tables.
            tables = MetaData()
            tables.reflect(conn, only=["organisation", "app"])
            now = datetime.now(UTC)
            conn.execute(tables.tables["organisation"].insert().values(
                id=1, slug="dimpact", name="Dimpact", kind="cooperation", verified=False, created_at=now))
            conn.execute(tables.tables["app"].insert().values(
                id=1, slug="open-zaak", organisation_id=1, name="Open Zaak", summary="s", license="EUPL-1.2",
                license_kind="open", categories=["case-management"], search_text="", latest_version="1.0.0",
                created_at=now, updated_at=now))
        upgrade(database_url)
        with Session(engine) as session:
            assert [a.slug for a in CatalogueService(session).search(AppQuery(q="zaaksysteem")).items] == ["open-zaak"]
    finally:
        engine.dispose()


def run_in_production(app: Flask, app_id: str, municipalities: int) -> None:
    """Record ``app_id`` as installed in production at ``municipalities`` municipalities."""
    with database(app).session() as session:
        target = session.scalars(select(App).where(App.slug == app_id)).one()
        release = session.scalars(select(Release).where(Release.app_id == target.id)).first()
        profile = session.scalars(select(PlatformProfileRecord)).first()
        if profile is None:
            profile = PlatformProfileRecord(slug="cloud", name="Cloud", source="", revision=1, status="active")
            session.add(profile)
        for n in range(municipalities):
            slug = f"{app_id}-gemeente-{n}"
            organisation = Organisation(slug=slug, name=slug, kind="municipality")
            environment = Environment(organisation=organisation, name="productie", stage="production",
                                      profile=profile)
            session.add(Installation(environment=environment, app_id=target.id, release_id=release.id))
        session.commit()
