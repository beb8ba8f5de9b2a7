"""The board of initiatives in the browser, through Flask's test client: what answers, and in which language."""

from __future__ import annotations

from flask import Flask

from tests import factories
from tests.registry.initiative_support import BOARD, open_board
from tests.registry.test_publish_api import publish


def test_board_initiative_and_app_pages_show_the_initiative(app: Flask) -> None:
    board = open_board(app)
    first = board.start("dimpact", plannedApp="zaakafhandelcomponent", phase="in-development")["id"]
    board.call("utrecht", "PUT", f"{BOARD}/{first}/participants/utrecht", json={"role": "co-developer"})
    board.call("zeist", "PUT", f"{BOARD}/{first}/participants/zeist", json={"role": "co-funder"})
    other = board.start("bunnik", title="Afvalwijzer")["id"]
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    client = board.client
    listed = client.get("/initiatives?phase=published")
    assert listed.status_code == 200
    assert f"/initiatives/{first}" in listed.text and f"/initiatives/{other}" not in listed.text
    assert "1 initiatief gevonden" in listed.text
    page = client.get(f"/initiatives/{first}").text
    assert "Dit initiatief werd de app" in page and "Mede-ontwikkelaar" in page
    assert f"/initiatives/{other}" in page  # the look-alike, to join instead
    app_page = client.get("/apps/zaakafhandelcomponent").text
    assert "Gebouwd door 2 gemeenten samen" in app_page  # utrecht and zeist; dimpact is a cooperation


def test_unknown_initiatives_and_bad_filters(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/initiatives/12").status_code == 404
    assert client.get("/initiatives/99999999999999999999999").status_code == 404
    assert client.get("/initiatives?phase=someday").status_code == 400
