"""An app and its releases: the pages a municipality reads before it trusts an app."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from flask import Response, abort, current_app, render_template

from registry.db import request_session
from registry.extensions import STORE
from registry.services.app_facts import AppFactsService
from registry.services.catalogue import CatalogueService
from sdk.archive import open_package
from web import presenters, web
from web.auth import current_user
from web.forms import InterestForm
from web.i18n import current_language
from web.markup import description, render_markdown

SCREENSHOT_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}  # never SVG: it can hold script


@web.get("/apps/<app_id>")
def app_page(app_id: str) -> str:
    user = current_user()
    organisations = [m.organisation for m in user.memberships] if user else []
    facts = AppFactsService(request_session()).of(app_id, organisations)
    app = facts.app
    latest = presenters.latest_release(app)
    texts = description(latest.publiccode, current_language())
    return render_template(
        "app.html", app=app, latest=latest, texts=texts, p=presenters, facts=facts, interest_form=InterestForm(),
        long_description=render_markdown(texts.get("longDescription")),
        readme=render_markdown(latest.readme),
    )


@web.get("/apps/<app_id>/releases/<version>")
def release_page(app_id: str, version: str) -> str:
    release = CatalogueService(request_session()).release(app_id, version)
    return render_template("release.html", app=release.app, release=release, p=presenters,
                           changelog=render_markdown(release.changelog))


@web.get("/apps/<app_id>/releases/<version>/screenshots/<int:index>")
def screenshot(app_id: str, version: str, index: int) -> Response:
    """A screenshot that the package carries (publiccode.yml names it by a relative path)."""
    release = CatalogueService(request_session()).release(app_id, version)
    shots = dict(presenters.screenshots(description(release.publiccode, current_language())))
    location = shots.get(index)
    if location is None or presenters.is_remote(location):
        abort(404)
    suffix = PurePosixPath(location).suffix.lower()
    path = current_app.extensions[STORE].path(release.artifact_sha256)
    if suffix not in SCREENSHOT_TYPES or path is None:
        abort(404)
    package, _ = open_package(path, filename=release.artifact.filename, sha256=release.artifact_sha256)
    content = package.read(location.removeprefix("./"))
    if content is None:
        abort(404)
    response = Response(content, mimetype=mimetypes.types_map.get(suffix, "application/octet-stream"))
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
