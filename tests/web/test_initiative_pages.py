"""The board of initiatives in the browser, through Flask's test client: what answers, and in which language."""

from __future__ import annotations

from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.registry.initiative_support import BOARD, Board, open_board
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, csrf_token, sign_in

ATOM = "{http://www.w3.org/2005/Atom}"


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


def test_a_new_initiative_shows_its_look_alikes_before_it_is_saved(app: Flask) -> None:
    board = open_board(app)
    existing = board.start("utrecht")["id"]
    add_person(app, "eva@zeist.example", "zeist", "owner")
    client = app.test_client()
    assert sign_in(client, "eva@zeist.example") == 302
    form = {"csrf_token": csrf_token(client, "/initiatives/new"), "organisation": "zeist", "phase": "idea",
            "title": "Afvalkalender", "categories": "waste", "provides": "", "uses": "bag", "contact": "",
            "problem": "Inwoners vergeten wanneer welk afval wordt opgehaald; een herinnering helpt."}
    first = client.post("/initiatives/new", data=form)
    assert first.status_code == 200
    assert "Sluit u liever aan bij een van deze?" in first.text and f"/initiatives/{existing}" in first.text
    assert board.call(None, "GET").json["total"] == 1  # nothing saved yet
    saved = client.post("/initiatives/new", data={**form, "confirmed": "yes"})
    assert saved.status_code == 302
    created = board.call(None, "GET", query_string={"organisation": "zeist"}).json["items"]
    assert [i["title"] for i in created] == ["Afvalkalender"]
    bad = client.post("/initiatives/new", data={**form, "title": "", "categories": "Geen Slug"})
    assert bad.status_code == 400


def on_a_new_initiative(app: Flask, email: str, organisation: str) -> tuple[Board, FlaskClient, int]:
    """The board; a client signed in as an owner of ``organisation``; the number of Utrecht's new initiative."""
    board = open_board(app)
    number = board.start("utrecht")["id"]
    add_person(app, email, organisation, "owner")
    client = app.test_client()
    sign_in(client, email)
    return board, client, number


def test_join_and_vote_forms_act_for_the_signed_in_organisation(app: Flask) -> None:
    board, client, number = on_a_new_initiative(app, "eva@zeist.example", "zeist")
    page = f"/initiatives/{number}"
    joined = client.post(f"{page}/join", data={"csrf_token": csrf_token(client, page), "organisation": "zeist",
                                               "role": "co-funder"})
    assert joined.status_code == 302
    assert {p["organisation"]: p["role"] for p in board.call(None, "GET", f"{BOARD}/{number}").json[
        "participants"]}["zeist"] == "co-funder"
    ballot = board.call("utrecht", "POST", f"{BOARD}/{number}/ballots",
                        json={"question": "Welke?", "proposals": ["Eigen app", "Bestaande app"]}).json["id"]
    voted = client.post(f"{page}/ballots/{ballot}/vote", data={
        "csrf_token": csrf_token(client, page), "organisation": "zeist", "proposal": "Eigen app",
        "reason": "Goedkoper"})
    assert voted.status_code == 302
    votes = board.call(None, "GET", f"{BOARD}/{number}/ballots").json["items"][0]["votes"]
    assert [(v["organisation"], v["proposal"], v["reason"]) for v in votes] == [("zeist", "Eigen app", "Goedkoper")]
    # Not an organisation of the signed-in person: refused, nothing recorded.
    client.post(f"{page}/join", data={"csrf_token": csrf_token(client, page), "organisation": "bunnik",
                                      "role": "interested"})
    assert "bunnik" not in {p["organisation"] for p in board.call(None, "GET", f"{BOARD}/{number}").json[
        "participants"]}


def test_the_feed_announces_new_initiatives_per_category(app: Flask) -> None:
    board = open_board(app)
    waste = board.start("utrecht")["id"]
    parking = board.start("zeist", title="Parkeervergunning", categories=["parking"])["id"]
    client = app.test_client()

    def entries(**params: str) -> list[str]:
        answer = client.get("/initiatives/feed.atom", query_string=params)
        assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
        root = ElementTree.fromstring(answer.data)
        return [e.findtext(f"{ATOM}id") or "" for e in root.findall(f"{ATOM}entry")]

    everything = entries()
    assert len(everything) == 2 and everything[0].endswith(f"/initiatives/{parking}")  # newest first
    assert all(link.startswith("http") for link in everything)  # absolute, for feed readers
    assert [link.rsplit("/", 1)[1] for link in entries(category="waste")] == [str(waste)]
    assert entries(category="none-yet") == []
    assert client.get("/initiatives/feed.atom", query_string={"category": "x" * 65}).status_code == 400


def test_initiators_open_and_close_a_ballot_on_the_page(app: Flask) -> None:
    board = open_board(app)
    number = board.start("utrecht")["id"]
    board.call("zeist", "PUT", f"{BOARD}/{number}/participants/zeist", json={"role": "co-funder"})
    add_person(app, "anna@utrecht.example", "utrecht", "owner")
    add_person(app, "eva@zeist.example", "zeist", "owner")
    page = f"/initiatives/{number}"
    funder = app.test_client()
    sign_in(funder, "eva@zeist.example")
    assert "Stemming openen" not in funder.get(page).text  # a co-funder does not steer
    refused = funder.post(f"{page}/ballots", data={"csrf_token": csrf_token(funder, page), "organisation": "zeist",
                                                   "question": "Welke?", "proposals": "A\nB"})
    assert refused.status_code == 302 and board.call(None, "GET", f"{BOARD}/{number}/ballots").json["total"] == 0
    client = app.test_client()
    sign_in(client, "anna@utrecht.example")
    assert "Stemming openen" in client.get(page).text
    twice = client.post(f"{page}/ballots", data={"csrf_token": csrf_token(client, page), "organisation": "utrecht",
                                                 "question": "Welke?", "proposals": "Eigen app\nEigen app"})
    assert twice.status_code == 302
    assert "Geef elk voorstel één keer." in client.get(page).text
    opened = client.post(f"{page}/ballots", data={
        "csrf_token": csrf_token(client, page), "organisation": "utrecht", "question": "Welk voorstel werken we uit?",
        "proposals": "Eigen app\n  Bestaande app uitbreiden \n\n"})
    assert opened.status_code == 302
    ballot = board.call(None, "GET", f"{BOARD}/{number}/ballots").json["items"][0]
    assert ballot["proposals"] == ["Eigen app", "Bestaande app uitbreiden"] and ballot["closedAt"] is None
    board.call("zeist", "PUT", f"{BOARD}/{number}/ballots/{ballot['id']}/votes/zeist",
               json={"proposal": "Eigen app", "reason": "Goedkoper"})
    assert funder.post(f"{page}/ballots/{ballot['id']}/close", data={
        "csrf_token": csrf_token(funder, page), "organisation": "zeist"}).status_code == 302
    assert board.call(None, "GET", f"{BOARD}/{number}/ballots").json["items"][0]["closedAt"] is None
    closed = client.post(f"{page}/ballots/{ballot['id']}/close", data={"csrf_token": csrf_token(client, page),
                                                                       "organisation": "utrecht"})
    assert closed.status_code == 302
    assert board.call(None, "GET", f"{BOARD}/{number}/ballots").json["items"][0]["outcome"] == "Eigen app"
    assert "Gekozen: Eigen app" in client.get(page).text


def test_curators_merge_a_duplicate_after_a_confirmation(app: Flask) -> None:
    board = open_board(app)
    duplicate = board.start("zeist", title="Afvalwijzer Zeist")["id"]
    kept = board.start("utrecht")["id"]
    add_person(app, "cora@appstore.example", "appstore", "owner")
    add_person(app, "eva@zeist.example", "zeist", "owner")
    page = f"/initiatives/{duplicate}"
    municipality = app.test_client()
    sign_in(municipality, "eva@zeist.example")
    assert "Duplicaat samenvoegen" not in municipality.get(page).text
    assert municipality.get(f"{page}/merge", query_string={"into": kept}).status_code == 403
    assert municipality.post(f"{page}/merge", data={"csrf_token": csrf_token(municipality, page),
                                                    "into": kept}).status_code == 403
    curator = app.test_client()
    sign_in(curator, "cora@appstore.example")
    assert "Duplicaat samenvoegen" in curator.get(page).text
    confirmation = curator.get(f"{page}/merge", query_string={"into": kept})
    assert confirmation.status_code == 200 and "Weet u het zeker?" in confirmation.text
    assert "Afvalwijzer Zeist" in confirmation.text and "Afvalkalender voor inwoners" in confirmation.text
    assert board.call(None, "GET", f"{BOARD}/{duplicate}").json["mergedInto"] is None  # asking merges nothing
    assert curator.get(f"{page}/merge", query_string={"into": "nine"}).status_code == 302
    assert curator.get(f"{page}/merge", query_string={"into": 999}).status_code == 404
    merged = curator.post(f"{page}/merge", data={"csrf_token": csrf_token(curator, page), "into": kept})
    assert merged.status_code == 302 and merged.location.endswith(f"/initiatives/{kept}")
    assert board.call(None, "GET", f"{BOARD}/{duplicate}").json["mergedInto"] == kept
    assert "zeist" in {p["organisation"] for p in board.call(None, "GET", f"{BOARD}/{kept}").json["participants"]}
    again = curator.post(f"{page}/merge", data={"csrf_token": csrf_token(curator, page), "into": kept})
    assert again.status_code == 302 and again.location.endswith(page)  # merged already: back, with the reason


def test_a_refused_ballot_form_says_why_in_dutch_never_in_wtforms_english(app: Flask) -> None:
    _, client, number = on_a_new_initiative(app, "anna@utrecht.example", "utrecht")
    page = f"/initiatives/{number}"
    refused = client.post(f"{page}/ballots", data={"csrf_token": csrf_token(client, page), "organisation": "zeist",
                                                   "question": "W?", "proposals": "A\nB"}, follow_redirects=True)
    assert "Openen voor: Ongeldige keuze." in refused.text  # zeist does not steer: not a choice
    assert "Vraag: Stel een vraag van 3 tot 300 tekens." in refused.text
    assert "Not a valid choice" not in refused.text and "Field must be" not in refused.text


def test_an_expired_form_is_worded_in_the_readers_language(app: Flask) -> None:
    from flask_babel import force_locale

    from web.forms import form_problems
    from web.initiative_forms import BallotForm

    for language, expected in (("nl", "Het formulier is verlopen."), ("en", "The form has expired.")):
        with app.test_request_context(method="POST", data={"organisation": "utrecht"}), force_locale(language):
            form = BallotForm(meta={"csrf": True})
            form.organisation.choices = [("utrecht", "Utrecht")]
            assert not form.validate() and form.csrf_token.errors  # Flask-WTF's English: "The CSRF token is missing."
            words = form_problems(form)
            assert expected in words and "CSRF" not in words
