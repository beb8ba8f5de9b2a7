"""The board of initiatives: create, change, find; who may do what.

Municipalities and cooperations start initiatives and change those they initiated;
every caller acts only for its own organisation. Curators (the registry) may change any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, selectinload

from registry.errors import Forbidden, InvalidInput, NotFound
from registry.models import (
    App,
    Initiative,
    InitiativeParticipant,
    InitiativeTag,
    Organisation,
    utcnow,
)
from registry.services import audit
from registry.services.search import query_terms
from registry.services.tokens import Caller
from registry.services.vendors import is_curator
from sdk.problems import InvalidParam

#: Organisations that start and steer initiatives; vendors join as contractor.
STARTERS = ("municipality", "cooperation")
INITIATOR = "initiator"
#: Roles that may change an initiative's description.
STEERING = ("initiator", "co-developer")
STOPPED = "stopped"


@dataclass(frozen=True)
class InitiativeFields:
    """What describes an initiative; ``None`` in a change means "keep"."""

    title: str | None = None
    problem: str | None = None
    phase: str | None = None
    layers: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    provides: tuple[str, ...] | None = None
    uses: tuple[str, ...] | None = None
    expected_start: date | None = None
    expected_end: date | None = None
    budget_min: int | None = None
    budget_max: int | None = None
    contact: str | None = None
    lessons_learned: str | None = None
    planned_app: str | None = None


@dataclass(frozen=True)
class BoardQuery:
    """The board's search and filters; each given filter must hold."""

    q: str = ""
    layer: str | None = None
    category: str | None = None
    api: str | None = None
    phase: str | None = None
    organisation: str | None = None
    app: str | None = None
    offset: int = 0
    limit: int = 20


#: Fields kept as columns, the rest as tags.
_TAGS = {"layers": "layer", "categories": "category", "provides": "provides", "uses": "uses"}
_COLUMNS = ("title", "problem", "phase", "expected_start", "expected_end", "budget_min", "budget_max", "contact",
            "lessons_learned", "planned_app")


class InitiativeService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, initiative_id: int) -> Initiative:
        initiative = self.session.get(Initiative, initiative_id, options=[
            selectinload(Initiative.participants).selectinload(InitiativeParticipant.organisation),
            selectinload(Initiative.tags)])
        if initiative is None:
            raise NotFound(f"There is no initiative {initiative_id}; find them with GET /api/v1/initiatives.",
                           page_code="initiative.not-found", page_data={"initiative": initiative_id})
        return initiative

    def create(self, values: InitiativeFields, caller: Caller) -> Initiative:
        if caller.kind not in STARTERS:
            raise Forbidden(f"Only municipalities and cooperations start initiatives; `{caller.organisation}` is a "
                            f"{caller.kind}. Join an initiative as contractor instead.",
                            page_code="initiative.not-a-starter")
        if values.title is None or values.problem is None:
            raise InvalidInput([InvalidParam(name, "required", "Say what the initiative is called and which "
                                             "problem it solves.") for name in ("title", "problem")
                                if getattr(values, name) is None])
        initiative = Initiative(phase=values.phase or "idea", created_by=caller.organisation_id, title="",
                                problem="", contact="")
        self._apply(initiative, values)
        initiative.participants.append(InitiativeParticipant(organisation_id=caller.organisation_id,
                                                             role=INITIATOR))
        self.session.add(initiative)
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.create", f"initiative:{initiative.id}",
                     title=initiative.title)
        return initiative

    def update(self, initiative_id: int, values: InitiativeFields, caller: Caller) -> Initiative:
        initiative = self.get(initiative_id)
        self.require_steering(initiative, caller)
        self._apply(initiative, values)
        initiative.updated_at = utcnow()
        self.session.flush()
        audit.record(self.session, caller.actor, "initiative.update", f"initiative:{initiative.id}")
        return initiative

    def require_steering(self, initiative: Initiative, caller: Caller) -> None:
        """Only an initiator or co-developer (or a curator) changes what the initiative is."""
        if is_curator(caller):
            return
        if not any(p.organisation_id == caller.organisation_id and p.role in STEERING
                   for p in initiative.participants):
            raise Forbidden(f"Only the initiators and co-developers of initiative {initiative.id} change it; "
                            f"`{caller.organisation}` is not one of them.", page_code="initiative.not-yours")

    def board(self, query: BoardQuery) -> tuple[list[Initiative], int]:
        """One page of initiatives that meet ``query``, newest change first, and how many there are."""
        conditions = list(self._conditions(query))
        total = self.session.scalar(select(func.count()).select_from(Initiative).where(*conditions)) or 0
        page = self.session.scalars(
            select(Initiative).where(*conditions)
            .options(selectinload(Initiative.participants).selectinload(InitiativeParticipant.organisation),
                     selectinload(Initiative.tags))
            .order_by(Initiative.updated_at.desc(), Initiative.id.desc())
            .offset(query.offset).limit(query.limit))
        return list(page), total

    def newest(self, category: str | None, limit: int) -> list[Initiative]:
        """The initiatives started last (of ``category``), newest first: what a feed announces."""
        conditions = list(self._conditions(BoardQuery(category=category)))
        return list(self.session.scalars(
            select(Initiative).where(*conditions)
            .options(selectinload(Initiative.tags), selectinload(Initiative.creator))
            .order_by(Initiative.created_at.desc(), Initiative.id.desc()).limit(limit)))

    def _conditions(self, query: BoardQuery) -> Iterable[ColumnElement[bool]]:
        yield Initiative.merged_into_id.is_(None)
        if query.phase:
            yield Initiative.phase == query.phase
        for kinds, value in ((("layer",), query.layer), (("category",), query.category),
                             (("provides", "uses"), query.api)):
            if value:
                yield exists().where(InitiativeTag.initiative_id == Initiative.id,
                                     InitiativeTag.kind.in_(kinds), InitiativeTag.value == value)
        if query.app:
            yield Initiative.app.has(App.slug == query.app)
        if query.organisation:
            yield exists().where(InitiativeParticipant.initiative_id == Initiative.id,
                                 InitiativeParticipant.organisation_id == Organisation.id,
                                 Organisation.slug == query.organisation)
        text = func.lower(Initiative.title + " " + Initiative.problem)
        for term in query_terms(query.q):
            # Terms are letters and digits only (``words``), so no LIKE wildcard gets in.
            yield text.contains(term)

    def _apply(self, initiative: Initiative, values: InitiativeFields) -> None:
        for name in _COLUMNS:
            value = getattr(values, name)
            if value is not None:
                setattr(initiative, name, value)
        _check_ranges(initiative)
        for name, kind in _TAGS.items():
            wanted = getattr(values, name)
            if wanted is None:
                continue
            # Tags that stay are kept as rows: a flush inserts before it deletes, so dropping and adding
            # the same value again would trip the unique constraint.
            present = {tag.value for tag in initiative.tags if tag.kind == kind}
            initiative.tags[:] = [tag for tag in initiative.tags if tag.kind != kind or tag.value in wanted] + [
                InitiativeTag(kind=kind, value=value) for value in dict.fromkeys(wanted) if value not in present]


def _check_ranges(initiative: Initiative) -> None:
    problems = []
    if initiative.budget_min is not None and initiative.budget_max is not None \
            and initiative.budget_min > initiative.budget_max:
        problems.append(InvalidParam("budgetMax", "range", "Give a budget range whose maximum is not below its "
                                                            "minimum."))
    if initiative.expected_start and initiative.expected_end and initiative.expected_start > initiative.expected_end:
        problems.append(InvalidParam("expectedEnd", "range", "The expected end lies before the expected start."))
    if initiative.phase == STOPPED and not (initiative.lessons_learned or "").strip():
        problems.append(InvalidParam("lessonsLearned", "required", "A stopped initiative keeps its lessons learned "
                                                                    "for the next one: write them down."))
    if problems:
        raise InvalidInput(problems)

