"""Migrations create the schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, MetaData, Table, create_engine, inspect, text

from registry.migrations import alembic_config, upgrade
from registry.models import Base


def test_migrations_create_every_table_and_match_the_models(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    finally:
        engine.dispose()
    # alembic check fails when the models have changes no migration describes.
    command.check(alembic_config(database_url))


def test_upgrade_is_idempotent_and_downgrade_empties(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    upgrade(sqlite_url)
    command.downgrade(alembic_config(sqlite_url), "base")
    engine = create_engine(sqlite_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def seed_app(conn: Connection, slug: str, name: str, *, organisation: tuple[str, str, str] = (
        "dimpact", "Dimpact", "cooperation"), latest: str | None = None) -> None:
    """An organisation (id 1: slug, name, kind) and its app (id 1), written as an older schema holds them."""
    now = datetime.now(UTC)
    org_slug, org_name, kind = organisation
    conn.execute(text("INSERT INTO organisation (id, slug, name, kind, verified, created_at) "
                      "VALUES (1, :slug, :name, :kind, false, :now)"),
                 {"slug": org_slug, "name": org_name, "kind": kind, "now": now})
    conn.execute(text("INSERT INTO app (id, slug, organisation_id, name, summary, license, categories, "
                      "search_text, latest_version, created_at, updated_at) VALUES (1, :slug, 1, :name, 's', "
                      "'EUPL-1.2', '[]', '', :latest, :now, :now)"),
                 {"now": now, "slug": slug, "name": name, "latest": latest})


def seed_releases(conn: Connection, app: str, latest: str, manifests: dict[str, dict]) -> None:
    """An organisation, its app and one release per version (ids from 1), written as a
    registry from before the migration under test stored them."""
    now = datetime.now(UTC)
    seed_app(conn, app, app, organisation=("acme", "Acme", "vendor"), latest=latest)
    conn.execute(text("INSERT INTO artifact (sha256, size, filename, created_at) VALUES (:sha, 1, 'a.tar.gz', :now)"),
                 {"sha": "a" * 64, "now": now})
    for release_id, (version, manifest) in enumerate(manifests.items(), start=1):
        conn.execute(text("INSERT INTO release (id, app_id, version, status, manifest, artifact_sha256, "
                          "published_by, published_at) VALUES (:id, 1, :version, 'published', :manifest, :sha, "
                          "1, :now)"),
                     {"id": release_id, "version": version, "manifest": json.dumps(manifest), "sha": "a" * 64,
                      "now": now})


def test_upgrade_indexes_the_apis_of_releases_published_before_the_index(database_url: str) -> None:
    upgrade(database_url, "0002")
    engine = create_engine(database_url)
    manifest = {"id": "catalogi", "version": "1.3.0", "provides": [{"api": "zgw-catalogi", "version": "1.3.0"}]}
    try:
        with engine.begin() as conn:
            seed_releases(conn, "catalogi", "1.3.0", {"1.3.0": manifest})
        upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT release_id, api, version FROM api_provision")).all()
        assert [tuple(r) for r in rows] == [(1, "zgw-catalogi", "1.3.0")]
    finally:
        engine.dispose()


def test_upgrade_decides_each_releases_licence_from_its_manifest(database_url: str) -> None:
    """Releases stored before 0007 get their normalised licence and kind; an app the latest one's."""
    upgrade(database_url, "0006")  # the revision before 0007
    engine = create_engine(database_url)
    written = {"1.0.0": "LicenseRef-Proprietary ", "1.1.0": "licenseref-proprietary", "2.0.0": "eupl-1.2",
               "2.1.0": "MIT OR"}
    try:
        with engine.begin() as conn:
            seed_releases(conn, "acme-zaken", "2.0.0", {v: {"license": licence} for v, licence in written.items()})
            conn.execute(text("INSERT INTO commercial_download (id, app_id, release_id, organisation_id, actor, at) "
                              "VALUES (1, 1, 1, 1, 'acme:token-1', :now)"), {"now": datetime.now(UTC)})
        upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, license, license_kind, assets_extracted_at FROM release "
                                     "ORDER BY id")).all()
            app_row = conn.execute(text("SELECT license, license_kind FROM app")).one()
            kind = conn.execute(text("SELECT kind FROM commercial_download")).scalar_one()
        assert [tuple(r) for r in rows] == [
            (1, "LicenseRef-Proprietary", "commercial", None), (2, "LicenseRef-Proprietary", "commercial", None),
            (3, "EUPL-1.2", "open", None), (4, "MIT OR", "commercial", None),  # unreadable: never open
        ]
        assert tuple(app_row) == ("EUPL-1.2", "open")  # from its latest release, 2.0.0
        assert kind == "package"
    finally:
        engine.dispose()


def test_upgrade_gives_each_app_its_one_layer_as_its_layers(database_url: str) -> None:
    """Apps stored before 0009 had one layer at most; the layer filter finds them under it."""
    upgrade(database_url, "0008")  # the revision before 0009
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            now = datetime.now(UTC)
            conn.execute(text("INSERT INTO organisation (id, slug, name, kind, verified, created_at) "
                              "VALUES (1, 'dimpact', 'Dimpact', 'cooperation', false, :now)"), {"now": now})
            conn.execute(text("INSERT INTO app (id, slug, organisation_id, name, summary, layer, license, "
                              "license_kind, categories, search_text, created_at, updated_at) VALUES (1, "
                              "'open-zaak', 1, 'Open Zaak', 's', 'process', 'EUPL-1.2', 'open', '[]', '', "
                              ":now, :now)"), {"now": now})
        upgrade(database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT layers FROM app")).scalar_one() == ",process,"
    finally:
        engine.dispose()


def test_upgrade_moves_secret_looking_values_out_of_environments_and_plans(database_url: str) -> None:
    """Before 0008 a password could sit in an environment in clear; after, only a reference that needs naming."""
    upgrade(database_url, "0007")
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    config = {"hostname": "zaken.utrecht.nl", "dbPassword": "hunter2-geheim"}
    app_config = {"open-zaak": {"apiToken": "tok-9f8e7d", "replicas": "2"}}
    result = {"status": "blocked", "steps": [], "problems": [{"message": "Helm: bad value hunter2-geheim"}]}
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO organisation (id, slug, name, kind, verified, created_at) "
                              "VALUES (1, 'utrecht', 'Utrecht', 'municipality', false, :now)"), {"now": now})
            conn.execute(text("INSERT INTO platform_profile (id, slug, name, source, revision, status, created_at, "
                              "updated_at) VALUES (1, 'haven', 'Haven', '', 1, 'active', :now, :now)"), {"now": now})
            conn.execute(text("INSERT INTO environment (id, organisation_id, name, stage, profile_id, config, "
                              "app_config, created_at, updated_at) VALUES (1, 1, 'test', 'test', 1, :config, "
                              ":app_config, :now, :now)"),
                         {"config": json.dumps(config), "app_config": json.dumps(app_config), "now": now})
            conn.execute(text("INSERT INTO install_plan (id, environment_id, status, request, result, created_by, "
                              "created_at) VALUES (1, 1, 'blocked', '{}', :result, 'x', :now)"),
                         {"result": json.dumps(result), "now": now})
        upgrade(database_url)
        with engine.connect() as conn:
            env = conn.execute(text("SELECT config, app_config, namespace_mode FROM environment")).one()
            plan = conn.execute(text("SELECT result FROM install_plan")).scalar_one()
        stored = [json.loads(v) if isinstance(v, str) else v for v in (env[0], env[1], plan)]
        assert stored[0] == {"hostname": "zaken.utrecht.nl", "dbPassword": {"unresolved": True}}
        assert stored[1] == {"open-zaak": {"apiToken": {"unresolved": True}, "replicas": "2"}}
        assert stored[2]["problems"][0]["message"] == "Helm: bad value <secret: dbPassword>"
        assert env[2] == "shared"  # existing environments keep their one namespace
        assert "hunter2" not in json.dumps(stored) and "tok-9f8e7d" not in json.dumps(stored)
    finally:
        engine.dispose()


def test_upgrade_notes_on_each_app_the_profiles_its_offered_release_runs_on(database_url: str) -> None:
    """Apps stored before 0016 get ``runs_on`` from their offered release's verdicts, not an older one's."""
    upgrade(database_url, "0015")  # the revision before 0016
    engine = create_engine(database_url)
    try:
        tables = Base.metadata.tables
        # The app table as 0015 left it: the models' columns but the new one.
        app_before = Table("app", MetaData(), *(c._copy() for c in tables["app"].columns if c.name != "runs_on"))
        with engine.begin() as conn:
            conn.execute(tables["organisation"].insert(), {"id": 1, "slug": "dimpact", "name": "Dimpact",
                                                           "kind": "cooperation"})
            conn.execute(app_before.insert(), {"id": 1, "slug": "zaken", "organisation_id": 1, "name": "Zaken",
                                               "summary": "s", "license": "EUPL-1.2", "latest_version": "2.0.0"})
            conn.execute(tables["artifact"].insert(), {"sha256": "a" * 64, "size": 1, "filename": "a.tar.gz"})
            conn.execute(tables["release"].insert(), [
                {"id": i, "app_id": 1, "version": version, "manifest": {}, "license": "EUPL-1.2",
                 "license_kind": "open", "artifact_sha256": "a" * 64, "published_by": 1}
                for i, version in ((1, "1.0.0"), (2, "2.0.0"))])
            profiles, verdicts = tables["platform_profile"], tables["compatibility"]
            conn.execute(profiles.insert(), [{"id": i, "slug": slug, "name": slug, "source": ""}
                                             for i, slug in enumerate(("haven", "vng-cloud", "oud"), start=1)])
            conn.execute(verdicts.insert(), [
                {"release_id": 2, "profile_id": 2, "compatible": True, "profile_revision": 1},
                {"release_id": 2, "profile_id": 1, "compatible": True, "profile_revision": 1},
                {"release_id": 2, "profile_id": 3, "compatible": False, "profile_revision": 1},
                {"release_id": 1, "profile_id": 3, "compatible": True, "profile_revision": 1},  # not offered
            ])
        upgrade(database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT runs_on FROM app")).scalar_one() == ",haven,vng-cloud,"
    finally:
        engine.dispose()


def test_upgrade_writes_a_row_per_category_of_each_app(database_url: str) -> None:
    """Apps stored before 0017 get their categories as rows: lower case, each once."""
    upgrade(database_url, "0016")  # the revision before 0017
    engine = create_engine(database_url)
    try:
        tables = Base.metadata.tables
        with engine.begin() as conn:
            conn.execute(tables["organisation"].insert(), {"id": 1, "slug": "dimpact", "name": "Dimpact",
                                                           "kind": "cooperation"})
            conn.execute(tables["app"].insert(), [
                {"id": i, "slug": slug, "organisation_id": 1, "name": slug, "summary": "s", "license": "EUPL-1.2",
                 "latest_version": "1.0.0", "categories": categories}
                for i, slug, categories in ((1, "zaken", ["case-management", "Forms", "forms"]), (2, "kaart", []))])
        upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT app_id, category FROM app_category ORDER BY app_id, category")).all()
        assert [tuple(row) for row in rows] == [(1, "case-management"), (1, "forms")]
    finally:
        engine.dispose()
