"""Initiatives: the public board of what municipalities plan and build, and starting one."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body, query, setting
from registry.api.models.initiatives import (
    DraftInitiative,
    Initiative,
    InitiativeChange,
    InitiativeNews,
    InitiativeNewsList,
    InitiativePage,
    InitiativesQuery,
    NewInitiative,
    Similar,
    SimilarList,
)
from registry.api.spec import operation
from registry.db import request_session
from registry.errors import NotFound
from registry.request_guard import row_id
from registry.services.initiative_matches import InitiativeMatches
from registry.services.initiative_news import initiative_news
from registry.services.initiatives import BoardQuery, InitiativeService

BODY_PROBLEMS = "The body is malformed or a value is invalid; `invalidParams` names every problem."


@api.get("/initiatives")
@operation("listInitiatives", tag="initiatives", query=InitiativesQuery,
           summary="Search the board of initiatives; filters by layer, category, API, phase and organisation.",
           answers={200: ("One page of initiatives, last changed first, with the total count.", InitiativePage)})
def list_initiatives() -> Response:
    asked = query(InitiativesQuery)
    size = asked.page_size or setting("PAGE_SIZE_DEFAULT")
    items, total = InitiativeService(request_session()).board(BoardQuery(
        q=asked.q, layer=asked.layer, category=asked.category, api=asked.api, phase=asked.phase,
        organisation=asked.organisation, app=asked.app, offset=(asked.page - 1) * size, limit=size))
    return answer(InitiativePage(items=[Initiative.of(i) for i in items], total=total, page=asked.page,
                                 page_size=size))


@api.post("/initiatives")
@operation("createInitiative", tag="initiatives", auth="bearer", body=NewInitiative,
           summary="Start an initiative; the caller's municipality or cooperation is its initiator.",
           answers={201: ("The new initiative.", Initiative)},
           problems={400: BODY_PROBLEMS, 403: "The caller is not a municipality or cooperation."})
def create_initiative() -> Response:
    who = caller()
    initiative = InitiativeService(request_session()).create(json_body(NewInitiative).values(), who)
    body = Initiative.of(initiative)
    return answer(body, 201, {"Location": body.links["self"]})


@api.get("/initiatives/<initiative_id>")
@operation("getInitiative", tag="initiatives", summary="One initiative with everyone taking part.",
           answers={200: ("The initiative.", Initiative)}, problems={404: "No such initiative."})
def get_initiative(initiative_id: str) -> Response:
    return answer(Initiative.of(InitiativeService(request_session()).get(initiative_number(initiative_id))))


@api.patch("/initiatives/<initiative_id>")
@operation("updateInitiative", tag="initiatives", auth="bearer", body=InitiativeChange,
           summary="Change the fields sent; only its initiators and co-developers may.",
           answers={200: ("The initiative.", Initiative)},
           problems={400: BODY_PROBLEMS, 403: "The caller does not steer this initiative.",
                     404: "No such initiative."})
def update_initiative(initiative_id: str) -> Response:
    who = caller()
    change = json_body(InitiativeChange).values()
    initiative = InitiativeService(request_session()).update(initiative_number(initiative_id), change, who)
    return answer(Initiative.of(initiative))


@api.post("/initiatives/similar")
@operation("findSimilarInitiatives", tag="initiatives", body=DraftInitiative,
           summary="Before saving: initiatives and published apps that look like a draft (shared APIs and "
                   "categories, similar words), to join instead of starting again.",
           answers={200: ("The matches, best first; none below a score of 0.2.", SimilarList)},
           problems={400: BODY_PROBLEMS})
def find_similar() -> Response:
    initiatives, apps = InitiativeMatches(request_session()).find(json_body(DraftInitiative).draft())
    return answer(SimilarList(initiatives=[Similar.of(m) for m in initiatives], apps=[Similar.of(m) for m in apps]))


@api.get("/initiatives/news/<org>")
@operation("listInitiativeNews", tag="initiatives",
           summary="News for an organisation: the initiatives it takes part in that became an app, newest first.",
           answers={200: ("At most 20 items: initiative, app and its first version.", InitiativeNewsList)},
           problems={404: "No such organisation."})
def list_initiative_news(org: str) -> Response:
    news = initiative_news(request_session(), org)
    return answer(InitiativeNewsList(items=[InitiativeNews.of(n) for n in news], total=len(news)))


def initiative_number(raw: str, what: str = "initiative") -> int:
    """An initiative's (or ballot's) number from the path; 404 for anything but a row id."""
    number = row_id(raw)
    if number is None:
        raise NotFound(f"There is no such {what}; they are numbered 1, 2, 3, ...",
                       page_code=f"{what}.not-found", page_data={what: raw[:20]})
    return number
