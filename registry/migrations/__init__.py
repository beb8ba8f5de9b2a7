"""Database migrations (Alembic), run by ``appstore-registry init``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # Escape % so that URL-encoded passwords survive configparser.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Create the database or bring it up to date."""
    command.upgrade(alembic_config(database_url), revision)
