"""Migrations create the schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, create_engine, inspect, text

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


def seed_app(conn: Connection, slug: str, name: str) -> None:
    """An organisation (id 1) and its app (id 1), written as an older schema holds them."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    conn.execute(text("INSERT INTO organisation (id, slug, name, kind, verified, created_at) "
                      "VALUES (1, 'dimpact', 'Dimpact', 'cooperation', false, :now)"), {"now": now})
    conn.execute(text("INSERT INTO app (id, slug, organisation_id, name, summary, license, categories, "
                      "search_text, created_at, updated_at) VALUES (1, :slug, 1, :name, 's', "
                      "'EUPL-1.2', '[]', '', :now, :now)"), {"now": now, "slug": slug, "name": name})


def test_upgrade_indexes_the_apis_of_releases_published_before_the_index(database_url: str) -> None:
    from datetime import UTC, datetime

    upgrade(database_url, "0002")
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    manifest = '{"id": "catalogi", "version": "1.3.0", "provides": [{"api": "zgw-catalogi", "version": "1.3.0"}]}'
    try:
        with engine.begin() as conn:
            seed_app(conn, "catalogi", "Catalogi")
            conn.execute(text("INSERT INTO artifact (sha256, size, filename, created_at) "
                              "VALUES (:sha, 1, 'c.tar.gz', :now)"), {"sha": "a" * 64, "now": now})
            conn.execute(text("INSERT INTO release (id, app_id, version, status, manifest, artifact_sha256, "
                              "published_by, published_at) VALUES (1, 1, '1.3.0', 'published', :manifest, :sha, "
                              "1, :now)"), {"manifest": manifest, "sha": "a" * 64, "now": now})
        upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT release_id, api, version FROM api_provision")).all()
        assert [tuple(r) for r in rows] == [(1, "zgw-catalogi", "1.3.0")]
    finally:
        engine.dispose()
