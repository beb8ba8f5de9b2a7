"""Initiatives: developments that municipalities and cooperations plan or run together.

An initiative's layers, categories and APIs are rows of ``initiative_tag`` so that the
board's filters are indexed queries on every database, not searches inside JSON.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.core import App, Base, Organisation, utcnow

__all__ = [
    "INITIATIVE_PHASES",
    "PARTICIPANT_ROLES",
    "TAG_KINDS",
    "Initiative",
    "InitiativeBallot",
    "InitiativeParticipant",
    "InitiativeVote",
    "InitiativeTag",
]

INITIATIVE_PHASES = ("idea", "looking-for-partners", "in-development", "published", "stopped")
PARTICIPANT_ROLES = ("initiator", "co-developer", "co-funder", "interested", "contractor")
#: What a tag names: a Common Ground layer, a category, an API the initiative provides or uses, or
#: (``solution``) the id of a published app its publisher offers as an existing solution.
TAG_KINDS = ("layer", "category", "provides", "uses", "solution")


class Initiative(Base):
    """A planned or running development, on the public board."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(24), index=True)
    expected_start: Mapped[date | None]
    expected_end: Mapped[date | None]
    budget_min: Mapped[int | None] = mapped_column(BigInteger)  # whole euros, when shared
    budget_max: Mapped[int | None] = mapped_column(BigInteger)
    contact: Mapped[str] = mapped_column(String(300), default="")
    lessons_learned: Mapped[str | None] = mapped_column(Text)
    # The app id it will publish under; linked to the app (``app_id``) when a participant publishes it.
    planned_app: Mapped[str | None] = mapped_column(String(64), index=True)
    app_id: Mapped[int | None] = mapped_column(ForeignKey("app.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    app: Mapped[App | None] = relationship()
    creator: Mapped[Organisation] = relationship()
    participants: Mapped[list[InitiativeParticipant]] = relationship(
        back_populates="initiative", order_by="InitiativeParticipant.id", cascade="all, delete-orphan")
    tags: Mapped[list[InitiativeTag]] = relationship(order_by="InitiativeTag.id", cascade="all, delete-orphan")

    def tagged(self, kind: str) -> list[str]:
        return [tag.value for tag in self.tags if tag.kind == kind]


class InitiativeParticipant(Base):
    """An organisation taking part in an initiative, in one role."""

    __tablename__ = "initiative_participant"
    __table_args__ = (UniqueConstraint("initiative_id", "organisation_id",
                                       name="uq_initiative_participant_initiative_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()


class InitiativeTag(Base):
    """One layer, category or API of an initiative."""

    __tablename__ = "initiative_tag"
    __table_args__ = (UniqueConstraint("initiative_id", "kind", "value", name="uq_initiative_tag_initiative_kind"),
                      Index("ix_initiative_tag_kind_value", "kind", "value"))

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"))
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(64))


class InitiativeBallot(Base):
    """A vote among an initiative's participants on which proposal to develop.

    Closed, it keeps its outcome (``None`` on a tie) beside every vote and reason.
    """

    __tablename__ = "initiative_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    proposals: Mapped[list[str]] = mapped_column(JSON)
    opened_by: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))

    initiative: Mapped[Initiative] = relationship()
    votes: Mapped[list[InitiativeVote]] = relationship(back_populates="ballot", order_by="InitiativeVote.id")


class InitiativeVote(Base):
    """One organisation's vote in a ballot, with its reason: public, since public money is spent."""

    __tablename__ = "initiative_vote"
    __table_args__ = (UniqueConstraint("ballot_id", "organisation_id", name="uq_initiative_vote_ballot_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("initiative_ballot.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    proposal: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)

    ballot: Mapped[InitiativeBallot] = relationship(back_populates="votes")
    organisation: Mapped[Organisation] = relationship()
