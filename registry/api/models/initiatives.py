"""What the initiatives API takes and answers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.json_schema import JsonDict

from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.models.inputs import AppId, PageQuery, Slug
from registry.api.timestamps import timestamp
from registry.models import INITIATIVE_PHASES, PARTICIPANT_ROLES
from registry.models import Initiative as InitiativeRecord
from registry.public_urls import external_url_for
from registry.services.initiative_matches import Draft, Match
from registry.services.initiative_news import InitiativeBecameApp
from registry.services.initiative_solutions import SOLUTION
from registry.services.initiatives import InitiativeFields
from registry.validation import InputModel, problem
from sdk.manifest import LAYERS

Phase = Literal[INITIATIVE_PHASES]  # type: ignore[valid-type]
Role = Literal[PARTICIPANT_ROLES]  # type: ignore[valid-type]
Layer = Literal[LAYERS]  # type: ignore[valid-type]
Title = Annotated[str, Field(min_length=3, max_length=200)]
Problem = Annotated[str, Field(min_length=10, max_length=10_000, description="The problem it solves.")]
Day = Annotated[date, Field(strict=False, description="A date, e.g. 2027-03-01.")]
Euros = Annotated[int, Field(ge=0, le=10**12, description="Whole euros.")]
MAX_TAGS = 20
EXAMPLE: JsonDict = {
    "title": "Afvalkalender-app", "problem": "Inwoners willen weten wanneer welk afval wordt opgehaald.",
    "phase": "looking-for-partners", "layers": ["interaction"], "categories": ["waste"], "uses": ["bag"],
    "expectedStart": "2027-03-01", "budgetMin": 20000, "budgetMax": 60000, "contact": "afval@gemeente.example"}

DRAFT_EXAMPLE: JsonDict = {"title": EXAMPLE["title"], "problem": EXAMPLE["problem"], "categories": ["waste"],
                           "uses": ["bag"]}


class InitiativeChange(InputModel):
    """Change the fields sent; the others stay."""

    model_config = {"json_schema_extra": {"example": {"phase": "in-development"}}}

    title: Title | None = None
    problem: Problem | None = None
    phase: Phase | None = None
    layers: list[Layer] | None = Field(None, max_length=len(LAYERS))
    categories: list[Slug] | None = Field(None, max_length=MAX_TAGS)
    provides: list[Slug] | None = Field(None, max_length=MAX_TAGS, description="Standard APIs it will provide.")
    uses: list[Slug] | None = Field(None, max_length=MAX_TAGS, description="Standard APIs it will use.")
    expected_start: Day | None = None
    expected_end: Day | None = None
    budget_min: Euros | None = None
    budget_max: Euros | None = None
    contact: str | None = Field(None, max_length=300, description="Whom to ask: an address or a name.")
    lessons_learned: str | None = Field(None, max_length=20_000, description="What the next one should know; "
                                                                               "required to stop the initiative.")
    planned_app: AppId | None = Field(None, description="The app id it will publish under: linked to the app when "
                                                         "a participant publishes its first release.")

    def values(self) -> InitiativeFields:
        data = self.model_dump(exclude_none=True)
        for name in ("layers", "categories", "provides", "uses"):
            if name in data:
                data[name] = tuple(data[name])
        return InitiativeFields(**data)


class NewInitiative(InitiativeChange):
    """A new initiative; the caller's organisation becomes its initiator."""

    model_config = {"json_schema_extra": {"example": EXAMPLE}}

    title: Title  # type: ignore[assignment]
    problem: Problem  # type: ignore[assignment]

    @model_validator(mode="after")
    def _not_yet_done(self) -> NewInitiative:
        if self.phase in ("published", "stopped"):
            raise problem("phase", "A new initiative starts as an idea, looking for partners or in development; "
                                   "it becomes published when its app's first release is.")
        return self


class InitiativesQuery(PageQuery):
    q: str = Field("", max_length=200, description="Words in the title or the problem.")
    layer: Layer | None = None
    category: str | None = Field(None, max_length=64)
    api: str | None = Field(None, max_length=64, description="An API it provides or uses.")
    phase: Phase | None = None
    organisation: str | None = Field(None, max_length=64, description="An organisation taking part.")
    app: str | None = Field(None, max_length=64, description="The app an initiative became.")


class Participant(ApiModel):
    organisation: str
    name: str
    kind: str
    role: Role
    joined_at: Moment


class Initiative(ApiModel):
    id: int
    title: str
    problem: str
    phase: Phase
    layers: list[str]
    categories: list[str]
    provides: list[str]
    uses: list[str]
    expected_start: date | None
    expected_end: date | None
    budget_min: int | None
    budget_max: int | None
    contact: str
    lessons_learned: str | None
    planned_app: str | None = Field(description="The app id it will publish under.")
    app: str | None = Field(description="The app it became, once its first release is published.")
    merged_into: int | None = Field(description="The initiative a curator merged this duplicate into.")
    existing_solutions: list[str] = Field(description="Ids of published apps that their publishers offer as an "
                                                      "existing solution to the problem.")
    participants: list[Participant]
    created_at: Moment
    updated_at: Moment
    links: Links

    @classmethod
    def of(cls, record: InitiativeRecord) -> Initiative:
        links = {"self": external_url_for("api.get_initiative", initiative_id=record.id)}
        if record.app is not None:
            links["app"] = external_url_for("api.get_app", app_id=record.app.slug)
        if record.merged_into_id is not None:
            links["mergedInto"] = external_url_for("api.get_initiative", initiative_id=record.merged_into_id)
        return cls(
            id=record.id, title=record.title, problem=record.problem, phase=record.phase,
            layers=record.tagged("layer"), categories=record.tagged("category"),
            provides=record.tagged("provides"), uses=record.tagged("uses"),
            expected_start=record.expected_start, expected_end=record.expected_end,
            budget_min=record.budget_min, budget_max=record.budget_max, contact=record.contact,
            lessons_learned=record.lessons_learned, app=record.app.slug if record.app else None,
            merged_into=record.merged_into_id, planned_app=record.planned_app,
            existing_solutions=record.tagged(SOLUTION),
            participants=[Participant(organisation=p.organisation.slug, name=p.organisation.name,
                                      kind=p.organisation.kind, role=p.role, joined_at=timestamp(p.joined_at))
                          for p in record.participants],
            created_at=timestamp(record.created_at), updated_at=timestamp(record.updated_at), links=links)


class InitiativePage(ListOf[Initiative]):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class DraftInitiative(InputModel):
    """An initiative being written: what the registry compares with the board and the catalogue."""

    model_config = {"json_schema_extra": {"example": DRAFT_EXAMPLE}}

    title: Title
    problem: str = Field("", max_length=10_000)
    categories: list[Slug] = Field(default_factory=list, max_length=MAX_TAGS)
    provides: list[Slug] = Field(default_factory=list, max_length=MAX_TAGS)
    uses: list[Slug] = Field(default_factory=list, max_length=MAX_TAGS)
    initiative: int | None = Field(None, ge=1, le=10**18 - 1,
                                   description="The initiative being edited: left out of the matches.")

    def draft(self) -> Draft:
        return Draft(self.title, self.problem, tuple(self.categories), tuple(self.provides + self.uses),
                     self.initiative)


class Similar(ApiModel):
    """An initiative or app that looks like the draft, and why."""

    kind: Literal["initiative", "app"]
    id: str = Field(description="The initiative's number or the app's id.")
    title: str
    score: float = Field(ge=0, le=1, description="0.4 × share of the draft's APIs it has + 0.2 × share of its "
                                                 "categories + 0.4 × share of its key words it contains.")
    shared_apis: list[str]
    shared_categories: list[str]
    text: float = Field(ge=0, le=1, description="The share of the draft's key words it contains.")
    links: Links

    @classmethod
    def of(cls, match: Match) -> Similar:
        link = (external_url_for("api.get_initiative", initiative_id=match.key) if match.kind == "initiative"
                else external_url_for("api.get_app", app_id=match.key))
        return cls(kind=match.kind, id=match.key, title=match.title, score=match.score,
                   shared_apis=list(match.shared_apis), shared_categories=list(match.shared_categories),
                   text=match.text, links={"self": link})


class SimilarList(ApiModel):
    """Join one of these instead? Initiatives and published apps like the draft, best first."""

    initiatives: list[Similar]
    apps: list[Similar]


class InitiativeNews(ApiModel):
    """An initiative the organisation takes part in became an app: "Initiative X is now app Y (version Z)"."""

    initiative: int
    title: str
    app: str = Field(description="The app id it became.")
    app_name: str
    version: str = Field(description="The app's first release.")
    published_at: Moment
    links: Links

    @classmethod
    def of(cls, news: InitiativeBecameApp) -> InitiativeNews:
        return cls(initiative=news.initiative.id, title=news.initiative.title, app=news.app.slug,
                   app_name=news.app.name, version=news.version, published_at=timestamp(news.published_at),
                   links={"initiative": external_url_for("api.get_initiative", initiative_id=news.initiative.id),
                          "app": external_url_for("api.get_app", app_id=news.app.slug)})


class InitiativeNewsList(ListOf[InitiativeNews]):
    """The newest first, at most 20."""
