"""The board of initiatives in the browser: what municipalities plan and build together."""

from __future__ import annotations

from flask import render_template, request

from registry.api.initiatives import initiative_number
from registry.api.models.initiatives import InitiativesQuery
from registry.db import request_session
from registry.models import INITIATIVE_PHASES
from registry.services.initiative_ballots import Ballots
from registry.services.initiative_matches import Draft, InitiativeMatches
from registry.services.initiatives import BoardQuery, InitiativeService
from registry.validation import parsed
from sdk.manifest import LAYERS
from web import web

PAGE_SIZE = 20


@web.get("/initiatives")
def initiative_board() -> str:
    given = {name: value for name, value in request.args.items() if value}
    asked = parsed(InitiativesQuery, given, context={"page_size_max": PAGE_SIZE})
    items, total = InitiativeService(request_session()).board(BoardQuery(
        q=asked.q, layer=asked.layer, category=asked.category, api=asked.api, phase=asked.phase,
        organisation=asked.organisation, offset=(asked.page - 1) * PAGE_SIZE, limit=PAGE_SIZE))
    return render_template("initiatives.html", items=items, total=total, asked=asked, layers=LAYERS,
                           phases=INITIATIVE_PHASES, page=asked.page, pages=max(1, -(-total // PAGE_SIZE)))


@web.get("/initiatives/<raw>")
def initiative_page(raw: str) -> str:
    number = initiative_number(raw)
    session = request_session()
    initiative = InitiativeService(session).get(number)
    draft = Draft(initiative.title, initiative.problem, tuple(initiative.tagged("category")),
                  tuple(initiative.tagged("provides") + initiative.tagged("uses")), initiative.id)
    alike, apps = InitiativeMatches(session).find(draft)
    return render_template("initiative.html", initiative=initiative, ballots=Ballots(session).of(number),
                           alike=alike, apps=apps)
