"""A publisher points an initiative to an existing app of its own; nobody offers another's app."""

from __future__ import annotations

from flask import Flask

from registry.services.initiative_solutions import MAX_SOLUTIONS_PER_ORGANISATION
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
    assert board.call("zeist", "DELETE", f"{path}/{ACME_APP}").status_code == 403  # neither publisher nor starter
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


def acme_apps(board, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Publish ``count`` apps of acme; their ids."""
    ids = [f"acme-app-{n}" for n in range(count)]
    for app_id in ids:
        archive = factories.package(factories.manifest(id=app_id, publisher="acme", name=f"Acme {app_id}"))
        assert publish(board.client, board.tokens["acme"], archive).status_code == 201
    return ids


def test_one_organisation_fills_at_most_three_of_an_initiatives_solutions(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    path = f"{BOARD}/{number}/solutions"
    *allowed, one_too_many = acme_apps(board, MAX_SOLUTIONS_PER_ORGANISATION + 1)
    for app_id in allowed:
        assert board.call("acme", "PUT", f"{path}/{app_id}").status_code == 200
    refused = board.call("acme", "PUT", f"{path}/{one_too_many}")
    assert refused.status_code == 409 and "already offers 3 apps" in refused.json["detail"]
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == allowed
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    assert board.call("dimpact", "PUT", f"{path}/zaakafhandelcomponent").status_code == 200  # room for others
    assert board.call("acme", "DELETE", f"{path}/{allowed[0]}").status_code == 204
    assert board.call("acme", "PUT", f"{path}/{one_too_many}").status_code == 200  # withdrawn one, offers another


def test_the_initiatives_starter_removes_any_solution_and_no_bystander_does(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    path = f"{BOARD}/{number}/solutions"
    (squatted,) = acme_apps(board, 1)
    assert board.call("acme", "PUT", f"{path}/{squatted}").status_code == 200
    bystander = board.call("zeist", "DELETE", f"{path}/{squatted}")
    assert bystander.status_code == 403 and "started initiative" in bystander.json["detail"]
    assert board.call("utrecht", "DELETE", f"{path}/{squatted}").status_code == 204  # utrecht started it
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == []


def test_the_starter_removes_a_solution_on_the_page_in_dutch(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    (squatted,) = acme_apps(board, 1)
    assert board.call("acme", "PUT", f"{BOARD}/{number}/solutions/{squatted}").status_code == 200
    page = f"/initiatives/{number}"
    removal = f"{page}/solutions/{squatted}/removal"
    add_person(app, "kees@zeist.example", "zeist", "owner")
    bystander = app.test_client()
    assert sign_in(bystander, "kees@zeist.example") == 302
    assert removal not in bystander.get(page).text
    assert bystander.post(removal, data={"csrf_token": csrf_token(bystander, page)}).status_code == 403
    add_person(app, "anna@utrecht.example", "utrecht", "owner")
    starter = app.test_client()
    assert sign_in(starter, "anna@utrecht.example") == 302
    assert removal in starter.get(page).text
    removed = starter.post(removal, data={"csrf_token": csrf_token(starter, page)}, follow_redirects=True)
    assert "De app staat niet meer bij de bestaande oplossingen." in removed.text
    assert board.call(None, "GET", f"{BOARD}/{number}").json["existingSolutions"] == []


def test_a_fourth_app_of_one_organisation_is_refused_on_the_page_in_dutch(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    *allowed, one_too_many = acme_apps(board, MAX_SOLUTIONS_PER_ORGANISATION + 1)
    for app_id in allowed:
        assert board.call("acme", "PUT", f"{BOARD}/{number}/solutions/{app_id}").status_code == 200
    add_person(app, "piet@acme.example", "acme", "owner")
    client = app.test_client()
    assert sign_in(client, "piet@acme.example") == 302
    page = f"/initiatives/{number}"
    refused = client.post(f"{page}/solutions", data={"csrf_token": csrf_token(client, page), "app": one_too_many},
                          follow_redirects=True)
    assert "Uw organisatie biedt al 3 apps aan bij dit initiatief" in refused.text
