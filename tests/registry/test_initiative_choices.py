"""Joining an initiative in a role, a vote among its participants, and a curator's merge."""

from __future__ import annotations

import pytest
from flask import Flask

from registry.services.initiative_ballots import outcome
from tests.registry.initiative_support import BOARD, Board, open_board


@pytest.fixture
def board(app: Flask) -> Board:
    return open_board(app)


def roles(board: Board, number: int) -> dict[str, str]:
    return {p["organisation"]: p["role"] for p in board.call(None, "GET", f"{BOARD}/{number}").json["participants"]}


def test_three_municipalities_join_and_vote_to_a_recorded_choice(board: Board) -> None:
    number = board.start("utrecht")["id"]
    path = f"{BOARD}/{number}"
    for who, role in (("zeist", "co-developer"), ("bunnik", "co-funder"), ("acme", "contractor")):
        assert board.call(who, "PUT", f"{path}/participants/{who}", json={"role": role}).status_code == 200
    assert roles(board, number) == {"utrecht": "initiator", "zeist": "co-developer", "bunnik": "co-funder",
                                    "acme": "contractor"}
    opened = board.call("zeist", "POST", f"{path}/ballots",
                        json={"question": "Welk voorstel werken we uit?", "proposals": ["Eigen app", "Bestaande app"]})
    assert opened.status_code == 201, opened.json
    ballot = f"{path}/ballots/{opened.json['id']}"
    for who, proposal in (("utrecht", "Eigen app"), ("zeist", "Bestaande app"), ("bunnik", "Eigen app"),
                          ("zeist", "Eigen app")):  # zeist changes its mind: still one vote
        voted = board.call(who, "PUT", f"{ballot}/votes/{who}", json={"proposal": proposal, "reason": f"{who} kiest"})
        assert voted.status_code == 200, voted.json
    closed = board.call("utrecht", "POST", f"{ballot}/close")
    assert closed.status_code == 200 and closed.json["outcome"] == "Eigen app" and closed.json["closedAt"]
    public = board.call(None, "GET", f"{path}/ballots").json["items"][0]
    assert {(v["organisation"], v["proposal"], v["reason"]) for v in public["votes"]} == {
        ("utrecht", "Eigen app", "utrecht kiest"), ("zeist", "Eigen app", "zeist kiest"),
        ("bunnik", "Eigen app", "bunnik kiest")}
    late = board.call("bunnik", "PUT", f"{ballot}/votes/bunnik", json={"proposal": "Bestaande app"})
    assert late.status_code == 409


def test_an_organisation_joins_and_votes_only_for_itself(board: Board) -> None:
    path = f"{BOARD}/{board.start('utrecht')['id']}"
    assert board.call(None, "PUT", f"{path}/participants/zeist", json={"role": "interested"}).status_code == 401
    assert board.call("bunnik", "PUT", f"{path}/participants/zeist", json={"role": "interested"}).status_code == 403
    assert board.call("acme", "PUT", f"{path}/participants/acme", json={"role": "co-funder"}).status_code == 403
    assert board.call("zeist", "PUT", f"{path}/participants/zeist", json={"role": "contractor"}).status_code == 400
    assert board.call("zeist", "PUT", f"{path}/participants/zeist", json={"role": "initiator"}).status_code == 400
    assert board.call("utrecht", "PUT", f"{path}/participants/utrecht", json={"role": "interested"}).status_code == 409
    assert board.call("bunnik", "PUT", f"{path}/participants/bunnik", json={"role": "interested"}).status_code == 200
    # Interested organisations neither open ballots nor change the initiative.
    body = {"question": "Welke?", "proposals": ["a", "b"]}
    assert board.call("bunnik", "POST", f"{path}/ballots", json=body).status_code == 403
    ballot = f"{path}/ballots/{board.call('utrecht', 'POST', f'{path}/ballots', json=body).json['id']}"
    assert board.call("bunnik", "PUT", f"{ballot}/votes/utrecht", json={"proposal": "a"}).status_code == 403
    assert board.call("zeist", "PUT", f"{ballot}/votes/zeist", json={"proposal": "a"}).status_code == 403  # not in it
    assert board.call("bunnik", "PUT", f"{ballot}/votes/bunnik", json={"proposal": "c"}).status_code == 400
    assert board.call("bunnik", "POST", f"{ballot}/close").status_code == 403
    assert board.call("utrecht", "POST", f"{BOARD}/99/ballots/1/close").status_code == 404
    assert board.call("bunnik", "DELETE", f"{path}/participants/bunnik").status_code == 204
    assert board.call("utrecht", "DELETE", f"{path}/participants/utrecht").status_code == 409  # the only initiator


def test_a_curator_merges_duplicates_keeping_every_participant(board: Board) -> None:
    first = board.start("utrecht")["id"]
    board.call("zeist", "PUT", f"{BOARD}/{first}/participants/zeist", json={"role": "interested"})
    second = board.start("zeist", title="Afvalwijzer app")["id"]
    board.call("bunnik", "PUT", f"{BOARD}/{second}/participants/bunnik", json={"role": "co-funder"})
    merge = f"{BOARD}/{second}/merge"
    assert board.call("utrecht", "POST", merge, json={"into": first}).status_code == 403
    merged = board.call("appstore", "POST", merge, json={"into": first})
    assert merged.status_code == 200, merged.json
    # zeist initiated the duplicate: it keeps the higher of its two roles.
    assert roles(board, first) == {"utrecht": "initiator", "zeist": "initiator", "bunnik": "co-funder"}
    assert board.call(None, "GET", f"{BOARD}/{second}").json["mergedInto"] == first
    assert [i["id"] for i in board.call(None, "GET", BOARD).json["items"]] == [first]
    assert board.call("appstore", "POST", merge, json={"into": first}).status_code == 409
    assert board.call("appstore", "POST", f"{BOARD}/{first}/merge", json={"into": first}).status_code == 400


@pytest.mark.parametrize(("votes", "chosen"), [
    ([], None), (["a"], "a"), (["a", "b"], None), (["a", "b", "b"], "b")])
def test_the_outcome_is_the_most_voted_proposal_and_none_on_a_tie(votes: list[str], chosen: str | None) -> None:
    assert outcome(votes) == chosen
