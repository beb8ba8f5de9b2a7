"""The application factory: the registry is built in small named steps."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from registry import config as settings
from registry.db import Database
from registry.extensions import PLUGINS, STORE
from registry.services.publishing import PublishService, PublishSettings
from registry.storage import open_store
from sdk.archive import ArchiveLimits
from sdk.budget import WorkLimits
from sdk.verification import create_plugin_manager


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a registry app; ``test_config`` overrides every other setting."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    init_database(app)
    init_storage(app)
    init_plugins(app)
    register_blueprints(app)
    register_errors(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("appstore.cfg", silent=True)
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    settings.resolve_paths(app.config)
    # Werkzeug refuses larger request bodies before they are read; the margin
    # leaves room for the multipart framing around the package.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 64 * 1024
    app.json.sort_keys = False  # keep the documented order of keys
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.config["DATA_DIR"]))


def init_database(app: Flask) -> None:
    Database(app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]).init_app(app)


def init_storage(app: Flask) -> None:
    app.extensions[STORE] = open_store(app.config["STORAGE_URL"])


def init_plugins(app: Flask) -> None:
    app.extensions[PLUGINS] = create_plugin_manager(installed=app.config["LOAD_INSTALLED_PLUGINS"])


def register_blueprints(app: Flask) -> None:
    from registry.api import api
    from web import web

    app.register_blueprint(api)
    app.register_blueprint(web)


def register_errors(app: Flask) -> None:
    from registry.api.problems import register_error_handlers

    register_error_handlers(app)


def _instance_secret(data_dir: Path) -> str:
    """A secret key kept in the data dir, made on first start."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def publish_service(app: Flask, session: Session) -> PublishService:
    """The publish service of an app instance, with its store, plugins and limits."""
    config = app.config
    return PublishService(
        session,
        app.extensions[STORE],
        app.extensions[PLUGINS],
        PublishSettings(
            max_upload_bytes=config["MAX_UPLOAD_BYTES"],
            limits=ArchiveLimits(
                max_members=config["ARCHIVE_MAX_MEMBERS"],
                max_unpacked_bytes=config["ARCHIVE_MAX_UNPACKED_BYTES"],
                max_ratio=config["ARCHIVE_MAX_RATIO"],
            ),
            work=WorkLimits(
                max_documents=config["VERIFY_MAX_DOCUMENTS"],
                max_findings_per_code=config["VERIFY_MAX_FINDINGS_PER_CODE"],
                max_seconds=config["VERIFY_TIME_BUDGET_SECONDS"],
            ),
        ),
    )
