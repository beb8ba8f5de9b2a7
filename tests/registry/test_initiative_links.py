"""From initiative to app: the first release links the initiatives that planned it; a stop keeps lessons."""

from __future__ import annotations

from flask import Flask

from tests import factories
from tests.registry.initiative_support import BOARD, open_board
from tests.registry.test_publish_api import publish

APP_ID = "zaakafhandelcomponent"  # the factories' manifest, published by dimpact


def test_publishing_the_planned_app_links_the_initiative_of_its_publisher(app: Flask) -> None:
    board = open_board(app)
    planned = board.start("dimpact", plannedApp=APP_ID, phase="in-development")["id"]
    board.call("utrecht", "PUT", f"{BOARD}/{planned}/participants/utrecht", json={"role": "co-funder"})
    claimed = board.start("zeist", plannedApp=APP_ID)["id"]  # dimpact takes no part: no link
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    linked = board.call(None, "GET", f"{BOARD}/{planned}").json
    assert linked["app"] == APP_ID and linked["phase"] == "published"
    assert linked["links"]["app"].endswith(f"/api/v1/apps/{APP_ID}")
    assert board.call(None, "GET", f"{BOARD}/{claimed}").json["app"] is None
    found = board.call(None, "GET", query_string={"app": APP_ID}).json
    assert [i["id"] for i in found["items"]] == [planned]
    # A later release changes nothing.
    later = factories.package(factories.manifest(version="1.5.0"))
    assert publish(board.client, board.tokens["dimpact"], later).status_code == 201
    assert board.call(None, "GET", f"{BOARD}/{planned}").json["phase"] == "published"


def test_a_stopped_initiative_keeps_its_lessons_learned(app: Flask) -> None:
    board = open_board(app)
    path = f"{BOARD}/{board.start('utrecht')['id']}"
    refused = board.call("utrecht", "PATCH", path, json={"phase": "stopped"})
    assert refused.status_code == 400 and refused.json["invalidParams"][0]["name"] == "lessonsLearned"
    lessons = "Te weinig gemeenten deelden het probleem; begin met een gezamenlijke inventarisatie."
    stopped = board.call("utrecht", "PATCH", path, json={"phase": "stopped", "lessonsLearned": lessons})
    assert stopped.status_code == 200 and stopped.json["lessonsLearned"] == lessons
    assert board.call(None, "GET", query_string={"phase": "stopped"}).json["total"] == 1


def test_participants_see_their_initiative_become_an_app_in_their_news(app: Flask) -> None:
    board = open_board(app)
    planned = board.start("dimpact", plannedApp=APP_ID, phase="in-development", title="Zaken samen")["id"]
    board.call("utrecht", "PUT", f"{BOARD}/{planned}/participants/utrecht", json={"role": "co-funder"})
    board.start("zeist")  # zeist takes no part in the planned one
    assert board.call(None, "GET", f"{BOARD}/news/utrecht").json == {"items": [],
                                                                                             "total": 0}
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    later = factories.package(factories.manifest(version="1.5.0"))
    assert publish(board.client, board.tokens["dimpact"], later).status_code == 201
    news = board.call(None, "GET", f"{BOARD}/news/utrecht").json
    assert news["total"] == 1
    item = news["items"][0]
    assert (item["initiative"], item["title"], item["app"]) == (planned, "Zaken samen", APP_ID)
    assert item["version"] == factories.manifest()["version"]  # the first release, not the latest
    assert item["links"]["initiative"].endswith(f"{BOARD}/{planned}")
    assert board.call(None, "GET", f"{BOARD}/news/zeist").json["total"] == 0
    assert board.call(None, "GET", f"{BOARD}/news/nobody").status_code == 404
    page = board.client.get("/organisations/utrecht").text
    assert "Nieuws" in page and "Initiatief Zaken samen is nu app" in page
    assert "Nieuws" not in board.client.get("/organisations/zeist").text
