"""A publisher points an initiative to an existing app of its own; nobody offers another's app."""

from __future__ import annotations

from flask import Flask

from tests import factories
from tests.registry.initiative_support import BOARD, open_board
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, csrf_token, sign_in

ACME_APP = "acme-afvalwijzer"


def acme_package() -> bytes:
    return factories.package(factories.manifest(id=ACME_APP, publisher="acme", name="Acme Afvalwijzer"))


def test_a_vendor_offers_its_own_published_app_and_no_other(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    path = f"{BOARD}/{number}/solutions"
    assert publish(board.client, board.tokens["acme"], acme_package()).status_code == 201
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    offered = board.call("acme", "PUT", f"{path}/{ACME_APP}")
    assert offered.status_code == 200 and offered.json["existingSolutions"] == [ACME_APP]
    assert board.call("acme", "PUT", f"{path}/{ACME_APP}").json["existingSolutions"] == [ACME_APP]  # once
    refused = board.call("acme", "PUT", f"{path}/zaakafhandelcomponent")  # dimpact's app
    assert refused.status_code == 403 and "Only the organisation that publishes" in refused.json["detail"]
    assert board.call("utrecht", "PUT", f"{path}/{ACME_APP}").status_code == 403
    assert board.call("utrecht", "DELETE", f"{path}/{ACME_APP}").status_code == 403
    assert board.call(None, "PUT", f"{path}/{ACME_APP}").status_code == 401
    assert board.call("acme", "PUT", f"{path}/no-such-app").status_code == 404
    assert board.call("acme", "PUT", f"{BOARD}/999/solutions/{ACME_APP}").status_code == 404
    page = board.client.get(f"/initiatives/{number}").text
    assert "Bestaande oplossingen" in page and f"/apps/{ACME_APP}" in page
    assert board.call("acme", "DELETE", f"{path}/{ACME_APP}").status_code == 204
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == []


def test_the_initiative_page_offers_the_signed_in_vendors_apps(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    assert publish(board.client, board.tokens["acme"], acme_package()).status_code == 201
    add_person(app, "piet@acme.example", "acme", "owner")
    client = app.test_client()
    assert sign_in(client, "piet@acme.example") == 302
    page = f"/initiatives/{number}"
    assert f'value="{ACME_APP}"' in client.get(page).text
    other = client.post(f"{page}/solutions", data={"csrf_token": csrf_token(client, page),
                                                   "app": "zaakafhandelcomponent"})
    assert other.status_code == 302
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == []
    offered = client.post(f"{page}/solutions", data={"csrf_token": csrf_token(client, page), "app": ACME_APP})
    assert offered.status_code == 302
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == [ACME_APP]
