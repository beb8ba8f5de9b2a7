"""Taking part in an initiative and choosing together: join, leave, vote; a curator's merge."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body
from registry.api.initiatives import BODY_PROBLEMS, initiative_number
from registry.api.models.ballots import Ballot, BallotInput, BallotList, JoinInput, MergeInput, VoteInput
from registry.api.models.initiatives import Initiative
from registry.api.spec import operation
from registry.db import request_session
from registry.services.initiative_ballots import Ballots
from registry.services.initiative_participation import Participation
from registry.services.initiative_solutions import Solutions
from registry.services.initiatives import InitiativeService

NOT_FOUND = {404: "No such initiative."}
NO_BALLOT = {404: "No such initiative or ballot."}
FOR_ITSELF = "The token belongs to another organisation, or its kind may not take this role."
STEERS = "The caller is not an initiator or co-developer of the initiative."


@api.put("/initiatives/<initiative_id>/participants/<org>")
@operation("joinInitiative", tag="initiatives", auth="bearer", body=JoinInput,
           summary="Take part in an initiative in a role, or change the role; only for your own organisation.",
           answers={200: ("The initiative with its participants.", Initiative)},
           problems={**NOT_FOUND, 400: BODY_PROBLEMS, 403: FOR_ITSELF,
                     409: "The organisation is its initiator, or the initiative was merged."})
def join_initiative(initiative_id: str, org: str) -> Response:
    who = caller()
    number = initiative_number(initiative_id)
    Participation(request_session()).join(number, org, json_body(JoinInput).role, who)
    return _initiative(number)


@api.delete("/initiatives/<initiative_id>/participants/<org>")
@operation("leaveInitiative", tag="initiatives", auth="bearer", summary="Stop taking part; only for yourself.",
           answers={204: ("It no longer takes part.", None)},
           problems={**NOT_FOUND, 403: FOR_ITSELF, 409: "It is the only initiator."})
def leave_initiative(initiative_id: str, org: str) -> tuple[str, int]:
    who = caller()
    Participation(request_session()).leave(initiative_number(initiative_id), org, who)
    return "", 204


@api.post("/initiatives/<initiative_id>/merge")
@operation("mergeInitiative", tag="initiatives", auth="bearer", body=MergeInput,
           summary="Curators: merge a duplicate into another initiative, keeping every participant.",
           answers={200: ("The initiative that stays.", Initiative)},
           problems={**NOT_FOUND, 400: BODY_PROBLEMS, 403: "Only curators merge.",
                     409: "One of them was merged already."})
def merge_initiative(initiative_id: str) -> Response:
    who = caller()
    into = json_body(MergeInput).into
    target = Participation(request_session()).merge(initiative_number(initiative_id), into, who)
    return _initiative(target.id)


@api.put("/initiatives/<initiative_id>/solutions/<app_id>")
@operation("attachExistingSolution", tag="initiatives", auth="bearer",
           summary="Offer a published app of your own as an existing solution to the initiative's problem.",
           answers={200: ("The initiative, with the app among its existing solutions.", Initiative)},
           problems={404: "No such initiative or app.", 403: "The app is another organisation's.",
                     409: "The app has no published release, the initiative was merged, it has 10 already, or "
                          "your organisation offers 3 apps to it already."})
def attach_solution(initiative_id: str, app_id: str) -> Response:
    who = caller()
    number = initiative_number(initiative_id)
    Solutions(request_session()).attach(number, app_id, who)
    return _initiative(number)


@api.delete("/initiatives/<initiative_id>/solutions/<app_id>")
@operation("detachExistingSolution", tag="initiatives", auth="bearer",
           summary="Withdraw your app as an existing solution; the organisation that started the initiative "
                   "removes any.", answers={204: ("It is no longer offered.", None)},
           problems={404: "No such initiative or app.",
                     403: "The app is another organisation's, and yours did not start the initiative."})
def detach_solution(initiative_id: str, app_id: str) -> tuple[str, int]:
    who = caller()
    Solutions(request_session()).detach(initiative_number(initiative_id), app_id, who)
    return "", 204


@api.get("/initiatives/<initiative_id>/ballots")
@operation("listBallots", tag="initiatives", summary="The initiative's votes: open and closed, every vote public.",
           answers={200: ("The ballots, oldest first.", BallotList)}, problems=NOT_FOUND)
def list_ballots(initiative_id: str) -> Response:
    ballots = Ballots(request_session()).of(initiative_number(initiative_id))
    return answer(BallotList(items=[Ballot.of(b) for b in ballots], total=len(ballots)))


@api.post("/initiatives/<initiative_id>/ballots")
@operation("openBallot", tag="initiatives", auth="bearer", body=BallotInput,
           summary="Open a vote among the participants on which proposal to develop.",
           answers={201: ("The ballot.", Ballot)},
           problems={**NOT_FOUND, 400: BODY_PROBLEMS, 403: STEERS, 409: "Too many ballots are open."})
def open_ballot(initiative_id: str) -> Response:
    who = caller()
    body = json_body(BallotInput)
    ballot = Ballots(request_session()).open(initiative_number(initiative_id), body.question, body.proposals, who)
    return answer(Ballot.of(ballot), 201)


@api.put("/initiatives/<initiative_id>/ballots/<ballot_id>/votes/<org>")
@operation("castVote", tag="initiatives", auth="bearer", body=VoteInput,
           summary="Vote for a proposal, with a reason: one vote per organisation, for yourself only.",
           answers={200: ("The ballot with every vote.", Ballot)},
           problems={**NO_BALLOT, 400: BODY_PROBLEMS, 403: "Another organisation's vote, or not a participant.",
                     409: "The ballot is closed."})
def cast_vote(initiative_id: str, ballot_id: str, org: str) -> Response:
    who = caller()
    body = json_body(VoteInput)
    ballots = Ballots(request_session())
    number, ballot = initiative_number(initiative_id), initiative_number(ballot_id, "ballot")
    ballots.vote(number, ballot, org, body.proposal, body.reason, who)
    return answer(Ballot.of(ballots.get(number, ballot)))


@api.post("/initiatives/<initiative_id>/ballots/<ballot_id>/close")
@operation("closeBallot", tag="initiatives", auth="bearer",
           summary="Close the vote: the proposal with most votes is chosen (none on a tie); votes stay public.",
           answers={200: ("The closed ballot with its outcome.", Ballot)},
           problems={**NO_BALLOT, 403: STEERS, 409: "The ballot is closed already."})
def close_ballot(initiative_id: str, ballot_id: str) -> Response:
    who = caller()
    ballot = Ballots(request_session()).close(initiative_number(initiative_id),
                                              initiative_number(ballot_id, "ballot"), who)
    return answer(Ballot.of(ballot))


def _initiative(number: int) -> Response:
    return answer(Initiative.of(InitiativeService(request_session()).get(number)))
