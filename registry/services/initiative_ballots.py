"""Choosing together: a vote among an initiative's participants on which proposal to develop.

Its initiators and co-developers open a ballot with the proposals and close it; every
participating organisation votes once (a new vote replaces its own until the ballot closes),
with a reason. The outcome, the votes and the reasons stay public.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.models import Initiative, InitiativeBallot, InitiativeVote, utcnow
from registry.services import audit
from registry.services.initiatives import InitiativeService
from registry.services.tokens import Caller
from sdk.problems import InvalidParam

MAX_OPEN_BALLOTS = 5


class Ballots:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.initiatives = InitiativeService(session)

    def of(self, initiative_id: int) -> list[InitiativeBallot]:
        self.initiatives.get(initiative_id)
        return list(self.session.scalars(
            select(InitiativeBallot).where(InitiativeBallot.initiative_id == initiative_id)
            .options(selectinload(InitiativeBallot.votes).selectinload(InitiativeVote.organisation))
            .order_by(InitiativeBallot.id)))

    def get(self, initiative_id: int, ballot_id: int) -> InitiativeBallot:
        ballot = self.session.get(InitiativeBallot, ballot_id)
        if ballot is None or ballot.initiative_id != initiative_id:
            raise NotFound(f"Initiative {initiative_id} has no ballot {ballot_id}.", page_code="ballot.not-found")
        return ballot

    def open(self, initiative_id: int, question: str, proposals: list[str], caller: Caller) -> InitiativeBallot:
        initiative = self.initiatives.get(initiative_id)
        self.initiatives.require_steering(initiative, caller)
        if sum(b.closed_at is None for b in self.of(initiative_id)) >= MAX_OPEN_BALLOTS:
            raise Conflict(f"Initiative {initiative_id} has {MAX_OPEN_BALLOTS} open ballots; close one first.")
        ballot = InitiativeBallot(initiative_id=initiative.id, question=question, proposals=proposals,
                                  opened_by=caller.organisation_id)
        self.session.add(ballot)
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.ballot.open", f"initiative:{initiative.id}",
                     ballot=ballot.id)
        return ballot

    def vote(self, initiative_id: int, ballot_id: int, slug: str, proposal: str, reason: str,
             caller: Caller) -> InitiativeVote:
        """``slug`` votes for ``proposal``: only for itself, while it takes part and the ballot is open."""
        if slug != caller.organisation:
            raise Forbidden(f"Only `{slug}` casts its own vote; use a token of that organisation.",
                            page_code="ballot.not-yours")
        ballot = self._open_ballot(initiative_id, ballot_id)
        if not _takes_part(ballot.initiative, caller.organisation_id):
            raise Forbidden(f"`{slug}` does not take part in initiative {initiative_id}; join it to vote.",
                            page_code="ballot.not-a-participant")
        if proposal not in ballot.proposals:
            raise InvalidInput([InvalidParam("proposal", "enum", "Vote for one of the ballot's proposals: "
                                             + ", ".join(ballot.proposals) + ".")])
        vote = next((v for v in ballot.votes if v.organisation_id == caller.organisation_id), None)
        if vote is None:
            vote = InitiativeVote(organisation_id=caller.organisation_id, proposal=proposal, reason=reason)
            ballot.votes.append(vote)
        vote.proposal, vote.reason, vote.cast_at = proposal, reason, utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.ballot.vote", f"initiative:{initiative_id}",
                     ballot=ballot.id, proposal=proposal)
        return vote

    def close(self, initiative_id: int, ballot_id: int, caller: Caller) -> InitiativeBallot:
        """Close the ballot; the outcome is the proposal with most votes, none on a tie."""
        ballot = self._open_ballot(initiative_id, ballot_id)
        self.initiatives.require_steering(ballot.initiative, caller)
        ballot.outcome = outcome([v.proposal for v in ballot.votes])
        ballot.closed_at = utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.ballot.close", f"initiative:{initiative_id}",
                     ballot=ballot.id, outcome=ballot.outcome)
        return ballot

    def _open_ballot(self, initiative_id: int, ballot_id: int) -> InitiativeBallot:
        ballot = self.get(initiative_id, ballot_id)
        if ballot.closed_at is not None:
            raise Conflict(f"Ballot {ballot_id} is closed; its outcome stands.", page_code="ballot.closed")
        return ballot


def outcome(votes: list[str]) -> str | None:
    """The proposal most voted for; ``None`` without votes or on a tie."""
    ranked = Counter(votes).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _takes_part(initiative: Initiative, organisation_id: int) -> bool:
    return any(p.organisation_id == organisation_id for p in initiative.participants)
