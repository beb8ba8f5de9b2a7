"""An Atom feed of new initiatives, of every category or of one, so that a municipality hears
of a wheel being planned in its field (feedgen writes the Atom)."""

from __future__ import annotations

from datetime import UTC

from feedgen.feed import FeedGenerator
from flask import Response, request
from flask_babel import gettext as _

from registry.api.models.initiatives import InitiativesQuery
from registry.db import request_session
from registry.public_urls import external_url_for
from registry.services.initiatives import InitiativeService
from registry.validation import parsed
from web import web

ENTRIES = 50
ATOM = "application/atom+xml"


@web.get("/initiatives/feed.atom")
def initiative_feed() -> Response:
    given = {name: value for name, value in request.args.items() if value and name == "category"}
    category = parsed(InitiativesQuery, given).category
    newest = InitiativeService(request_session()).newest(category, ENTRIES)
    feed = FeedGenerator()
    here = external_url_for("web.initiative_feed", **({"category": category} if category else {}))
    feed.id(here)
    feed.title(_("New initiatives in %(category)s", category=category) if category else _("New initiatives"))
    feed.link(href=here, rel="self")
    feed.link(href=external_url_for("web.initiative_board", **({"category": category} if category else {})),
              rel="alternate")
    feed.language("nl")
    for initiative in newest:
        entry = feed.add_entry(order="append")
        link = external_url_for("web.initiative_page", raw=initiative.id)
        entry.id(link)
        entry.title(initiative.title)
        entry.link(href=link)
        entry.summary(initiative.problem)
        entry.published(initiative.created_at.astimezone(UTC))
        entry.updated(initiative.created_at.astimezone(UTC))
        entry.author({"name": initiative.creator.name})
        for tag in initiative.tagged("category"):
            entry.category(term=tag)
    feed.updated(newest[0].created_at.astimezone(UTC) if newest else None)
    return Response(feed.atom_str(pretty=True), mimetype=ATOM)
