"""Security advisories in the browser: the list, and one advisory with its affected versions."""

from __future__ import annotations

from flask import render_template

from registry.db import request_session
from registry.models import Advisory
from registry.osv import affects
from registry.services.advisories import AdvisoryService
from web import web
from web.markup import render_markdown

#: The list page shows this many, newest changes first; the feed and the API have the rest.
LIST_SIZE = 100


@web.get("/advisories")
def advisories_page() -> str:
    advisories = AdvisoryService(request_session()).recent(LIST_SIZE)
    return render_template("advisories.html", advisories=advisories)


@web.get("/advisories/<advisory_id>")
def advisory_page(advisory_id: str) -> str:
    advisory = AdvisoryService(request_session()).get(advisory_id[:32])
    affected = [r.version for r in advisory.app.releases if _affects(advisory, r.version)]
    return render_template("advisory.html", advisory=advisory, affected=affected,
                           details=render_markdown(advisory.details))


def _affects(advisory: Advisory, version: str) -> bool:
    return affects(advisory.ranges, advisory.versions, version)
