"""The application factory: the registry is built in small named steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from registry import config as settings
from registry.db import Database
from registry.extensions import CLOCK, LEFTOVERS, PLUGINS, SIGNING, STORE
from registry.instance_secret import instance_secret
from registry.models import utcnow
from registry.multipart_forms import RegistryRequest
from registry.private_files import private_directory
from registry.s3_settings import S3ClientSettings
from registry.storage import open_store
from registry.transactions import committing_views
from sdk.verification import create_plugin_manager


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a registry app; ``test_config`` overrides every other setting."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = RegistryRequest
    configure(app, test_config)
    init_proxies(app)
    observe_requests(app)
    init_database(app)
    init_storage(app)
    init_plugins(app)
    init_answer_cache(app)
    init_signing(app)
    guard_requests(app)
    register_blueprints(app)
    committing_views(app)
    register_errors(app)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("appstore.cfg", silent=True)
    settings.load_environment(app.config)
    if test_config:
        app.config.update(test_config)
    settings.check(app.config)
    settings.resolve_paths(app.config)
    private_directory(Path(app.config["DATA_DIR"]))
    app.extensions[CLOCK] = utcnow
    # Werkzeug refuses larger request bodies before they are read; the margin
    # leaves room for the multipart framing around the package.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + 64 * 1024
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False  # keep the documented order of keys
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.config["DATA_DIR"]))


def init_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` proxies, take the client's address and scheme from the
    headers they add (rate limits, secure cookies, HSTS). X-Forwarded-Host is not
    trusted: absolute links come from PUBLIC_URL, so nothing needs the host."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=0, x_port=0, x_prefix=0)


def observe_requests(app: Flask) -> None:
    """Request ids in the logs, and metrics (before the views, so that every request is seen)."""
    from registry import metrics, request_log

    request_log.init_app(app)
    metrics.init_app(app)


def init_database(app: Flask) -> None:
    Database(app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]).init_app(app)


def init_storage(app: Flask) -> None:
    from registry.db import database
    from registry.services.leftovers import Leftovers

    app.extensions[STORE] = open_store(app.config["STORAGE_URL"], S3ClientSettings.from_config(app.config))
    app.extensions[LEFTOVERS] = Leftovers(app.extensions[STORE], database(app).sessions)


def init_plugins(app: Flask) -> None:
    app.extensions[PLUGINS] = create_plugin_manager(installed=app.config["LOAD_INSTALLED_PLUGINS"])


def init_answer_cache(app: Flask) -> None:
    from registry import http_caching

    http_caching.init_app(app)


def init_signing(app: Flask) -> None:
    """Signed repository metadata (TUF): the keys, and the listener that signs each new release."""
    from registry.db import database
    from registry.signing.keys import KeyDirectory
    from registry.signing.updates import SignedTargetsListener, Signing

    signing = Signing(database(app), app.extensions[STORE], KeyDirectory(Path(app.config["TUF_KEY_DIR"])),
                      lambda: app.extensions[CLOCK]())  # tests replace the clock after this
    app.extensions[SIGNING] = signing
    app.extensions[PLUGINS].register(SignedTargetsListener(signing), name="appstore.signed-metadata")


def guard_requests(app: Flask) -> None:
    from registry import request_guard

    request_guard.init_app(app)


def register_blueprints(app: Flask) -> None:
    from registry.api import api
    from registry.health import health
    from web import web

    app.register_blueprint(health)
    app.register_blueprint(api)
    app.register_blueprint(web)


def register_errors(app: Flask) -> None:
    from registry.api.problems import register_error_handlers

    register_error_handlers(app)

