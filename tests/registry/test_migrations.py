"""Migrations create the schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

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
