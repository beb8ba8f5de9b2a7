"""The board of initiatives: who may start and change one, what the board finds, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.registry.initiative_support import BOARD, Board, initiative, open_board


@pytest.fixture
def board(app: Flask) -> Board:
    return open_board(app)


def test_a_municipality_starts_an_initiative_as_its_initiator(board: Board) -> None:
    created = board.start("utrecht")
    assert created["phase"] == "looking-for-partners"
    assert created["categories"] == ["waste"] and created["uses"] == ["bag"] and created["layers"] == ["interaction"]
    assert created["expectedStart"] == "2027-03-01" and created["budgetMax"] == 60000
    assert [(p["organisation"], p["role"]) for p in created["participants"]] == [("utrecht", "initiator")]
    shown = board.call(None, "GET", f"{BOARD}/{created['id']}")
    assert shown.status_code == 200 and shown.json == created  # public, without a token


def test_only_municipalities_and_cooperations_start_initiatives(board: Board) -> None:
    statuses = {who: board.call(who, "POST", json=initiative()).status_code
                for who in (None, "utrecht", "dimpact", "acme", "appstore")}
    assert statuses == {None: 401, "utrecht": 201, "dimpact": 201, "acme": 403, "appstore": 403}
    refused = board.call("acme", "POST", json=initiative())
    assert refused.content_type == "application/problem+json"
    assert "contractor" in refused.json["detail"]  # says what a vendor can do instead


def test_an_organisation_changes_only_initiatives_it_steers(board: Board) -> None:
    path = f"{BOARD}/{board.start('utrecht')['id']}"
    change = {"phase": "in-development"}
    statuses = {who: board.call(who, "PATCH", path, json=change).status_code
                for who in (None, "zeist", "dimpact", "acme", "utrecht", "appstore")}
    assert statuses == {None: 401, "zeist": 403, "dimpact": 403, "acme": 403, "utrecht": 200, "appstore": 200}
    after = board.call(None, "GET", path).json
    assert after["phase"] == "in-development"
    assert after["title"] == initiative()["title"]  # fields not sent stay


def test_changing_tags_keeps_those_that_stay(board: Board) -> None:
    path = f"{BOARD}/{board.start('utrecht', categories=['waste', 'notifications'])['id']}"
    changed = board.call("utrecht", "PATCH", path, json={"categories": ["notifications", "public-space"]})
    assert changed.status_code == 200
    assert changed.json["categories"] == ["notifications", "public-space"]
    assert changed.json["uses"] == ["bag"]


@pytest.mark.parametrize(("body", "param"), [
    (initiative(phase="published"), "body"),
    (initiative(budgetMin=70000), "budgetMax"),
    (initiative(expectedEnd="2026-01-01"), "expectedEnd"),
    (initiative(title=""), "title"),
    (initiative(categories=["Not A Slug"]), "categories[0]"),
    (initiative(colour="green"), "colour"),
])
def test_a_bad_initiative_is_refused_with_what_to_fix(board: Board, body: dict, param: str) -> None:  # type: ignore[type-arg]
    refused = board.call("utrecht", "POST", json=body)
    assert refused.status_code == 400, refused.json
    assert param in [p["name"] for p in refused.json["invalidParams"]]
    assert board.call(None, "GET").json["total"] == 0  # nothing half-written


def test_the_board_filters_by_layer_category_api_phase_and_organisation(board: Board) -> None:
    waste = board.start("utrecht")["id"]
    zaken = board.start("dimpact", title="Zaakgericht werken voor kleine gemeenten", categories=["case-management"],
                        layers=["process"], uses=[], provides=["zgw-zaken"], phase="idea",
                        problem="Kleine gemeenten missen een betaalbaar zaaksysteem volgens ZGW.")["id"]

    def found(**params: str) -> list[int]:
        answer = board.call(None, "GET", query_string=params)
        assert answer.status_code == 200, answer.json
        return sorted(item["id"] for item in answer.json["items"])

    assert found() == sorted([waste, zaken])
    assert found(layer="process") == [zaken]
    assert found(category="waste") == [waste]
    assert found(api="bag") == [waste] and found(api="zgw-zaken") == [zaken]
    assert found(phase="idea") == [zaken]
    assert found(organisation="dimpact") == [zaken] and found(organisation="zeist") == []
    assert found(q="afval herinnering") == [waste] and found(q="ZAAKSYSTEEM") == [zaken]
    assert found(q="afval", category="case-management") == []
    page = board.call(None, "GET", query_string={"pageSize": "1", "page": "2"}).json
    assert page["total"] == 2 and len(page["items"]) == 1 and page["page"] == 2


def test_unknown_initiatives_and_filters_are_answered_clearly(board: Board) -> None:
    assert board.call(None, "GET", f"{BOARD}/12345").status_code == 404
    assert board.call(None, "GET", f"{BOARD}/99999999999999999999").status_code == 404
    assert board.call(None, "GET", f"{BOARD}/abc").status_code == 404
    assert board.call("utrecht", "PATCH", f"{BOARD}/12345", json={"phase": "idea"}).status_code == 404
    bad = board.call(None, "GET", query_string={"phase": "someday"})
    assert bad.status_code == 400 and bad.json["invalidParams"][0]["name"] == "phase"
