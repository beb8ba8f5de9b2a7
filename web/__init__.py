"""The web store: HTML pages that call the registry's services.

Registering the blueprint sets up what the pages need on the app as well:
languages (Flask-Babel), CSRF protection, security headers and cookies.
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

web = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")


@web.record_once
def _init_app(state: BlueprintSetupState) -> None:
    from registry.public_urls import external_url_for, registry_address
    from web import auth, i18n, labels, markup, security

    app = cast(Flask, state.app)  # the blueprint is only ever registered on a Flask app
    app.jinja_env.globals.update(external_url_for=external_url_for, registry_address=registry_address)
    i18n.init_app(app)
    markup.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    labels.init_app(app)


@web.before_request
def _protect_forms() -> None:
    from web.security import protect_forms

    protect_forms()


@web.before_request
def _load_user() -> None:
    from flask import request

    from web.auth import load_user

    if request.endpoint != "web.static":  # assets need nobody's session
        load_user()


from web.views import (  # noqa: E402,F401  (routes register on import)
    accounts,
    adviser,
    advisories,
    apps,
    catalogue,
    compare,
    content,
    environment_settings,
    environments,
    feeds,
    initiative_choices,
    initiative_feed,
    initiatives,
    listing,
    publish,
    publisher_keys,
    publishers,
    vendors,
    webhooks,
)
