"""Before saving: initiatives and published apps that look like a draft, and why."""

from __future__ import annotations

import pytest
from flask import Flask

from registry.services.initiative_matches import key_words
from tests import factories
from tests.registry.initiative_support import BOARD, Board, open_board
from tests.registry.test_publish_api import publish

SIMILAR = f"{BOARD}/similar"


@pytest.fixture
def board(app: Flask) -> Board:
    board = open_board(app)
    manifest = factories.manifest(provides=[{"api": "zgw-zaken", "version": "1.5.0"}])
    assert publish(board.client, board.tokens["dimpact"], factories.package(manifest)).status_code == 201
    return board


def similar(board: Board, **draft: object) -> dict:  # type: ignore[type-arg]
    answer = board.call(None, "POST", SIMILAR, json=draft)
    assert answer.status_code == 200, answer.json
    return answer.json  # type: ignore[no-any-return]


def test_a_draft_like_an_initiative_and_an_app_by_api_finds_both(board: Board) -> None:
    afval = board.start("utrecht", title="Afvalkalender-app met herinneringen",
                        problem="Inwoners vergeten welke afvalcontainer wanneer aan de straat moet.")
    board.start("zeist", title="Parkeervergunning aanvragen", problem="Digitale parkeervergunningen voor bezoekers.",
                categories=["parking"], uses=["brp"])
    found = similar(board, title="Afvalkalender", categories=["waste"], provides=["zgw-zaken"],
                    problem="Een app die inwoners herinnert wanneer de afvalcontainer aan de straat moet.")
    assert [(m["kind"], m["id"]) for m in found["initiatives"]] == [("initiative", str(afval["id"]))]
    match = found["initiatives"][0]
    assert match["sharedCategories"] == ["waste"] and match["text"] > 0.5
    assert match["links"]["self"].endswith(f"/api/v1/initiatives/{afval['id']}")
    [app] = found["apps"]
    assert app["id"] == "zaakafhandelcomponent" and app["sharedApis"] == ["zgw-zaken"]
    assert app["links"]["self"].endswith("/api/v1/apps/zaakafhandelcomponent")


def test_the_full_text_search_finds_an_app_by_its_words(board: Board) -> None:
    found = similar(board, title="Zaakafhandeling voor kleine gemeenten",
                    problem="Zaken behandelen volgens de standaarden zonder eigen zaaksysteem.")
    assert [m["id"] for m in found["apps"]] == ["zaakafhandelcomponent"]
    assert found["apps"][0]["sharedApis"] == [] and found["apps"][0]["text"] > 0


def test_an_edited_initiative_is_not_its_own_match_and_unrelated_drafts_find_nothing(board: Board) -> None:
    own = board.start("utrecht")
    found = similar(board, title=own["title"], problem=own["problem"], categories=own["categories"],
                    initiative=own["id"])
    assert found["initiatives"] == []
    assert similar(board, title="Begraafplaatsregister", problem="Graven en rechthebbenden bijhouden.") == {
        "initiatives": [], "apps": []}


def test_key_words_leave_out_stop_words_and_numbers() -> None:
    assert key_words("De gemeente wil voor inwoners een afvalkalender 2027") == ["afvalkalender"]


def test_similar_needs_a_title(board: Board) -> None:
    refused = board.call(None, "POST", SIMILAR, json={"problem": "Iets"})
    assert refused.status_code == 400 and refused.json["invalidParams"][0]["name"] == "title"
