"""What joining an initiative, merging one, and voting among its participants take and answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.timestamps import timestamp
from registry.models import InitiativeBallot
from registry.public_urls import external_url_for
from registry.services.initiative_participation import JOINING_ROLES
from registry.validation import InputModel, problem

Proposal = Annotated[str, Field(min_length=1, max_length=200)]
JoiningRole = Annotated[str, Field(json_schema_extra={"enum": list(JOINING_ROLES)})]


class JoinInput(InputModel):
    model_config = {"json_schema_extra": {"example": {"role": "co-funder"}}}

    role: JoiningRole = Field(description="co-developer, co-funder or interested; vendors join as contractor.")

    @field_validator("role")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in JOINING_ROLES:
            raise problem("enum", "Join as " + ", ".join(JOINING_ROLES) + ".")
        return value


class MergeInput(InputModel):
    model_config = {"json_schema_extra": {"example": {"into": 12}}}

    into: int = Field(ge=1, description="The initiative that stays; every participant moves to it.")


class BallotInput(InputModel):
    model_config = {"json_schema_extra": {"example": {
        "question": "Welk voorstel werken we uit?", "proposals": ["Eigen app", "Open-source module uitbreiden"]}}}

    question: str = Field(min_length=3, max_length=300)
    proposals: list[Proposal] = Field(min_length=2, max_length=20)

    @field_validator("proposals")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise problem("unique", "Give each proposal once.")
        return value


class VoteInput(InputModel):
    model_config = {"json_schema_extra": {"example": {"proposal": "Eigen app", "reason": "Past bij onze huisstijl."}}}

    proposal: Proposal
    reason: str = Field("", max_length=5000, description="Why: kept and public with the vote.")


class Vote(ApiModel):
    organisation: str
    proposal: str
    reason: str
    cast_at: Moment


class Ballot(ApiModel):
    id: int
    question: str
    proposals: list[str]
    opened_at: Moment
    closed_at: Moment
    outcome: str | None = Field(description="The proposal chosen once closed; none on a tie.")
    votes: list[Vote]
    links: Links

    @classmethod
    def of(cls, record: InitiativeBallot) -> Ballot:
        return cls(id=record.id, question=record.question, proposals=list(record.proposals),
                   opened_at=timestamp(record.opened_at), closed_at=timestamp(record.closed_at),
                   outcome=record.outcome,
                   votes=[Vote(organisation=v.organisation.slug, proposal=v.proposal, reason=v.reason,
                               cast_at=timestamp(v.cast_at)) for v in record.votes],
                   links={"initiative": external_url_for("api.get_initiative", initiative_id=record.initiative_id)})


class BallotList(ListOf[Ballot]):
    pass
