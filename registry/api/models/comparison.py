"""What the comparison of apps answers: per app the facts the web store's table shows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from registry.api.models.base import ApiModel, Moment
from registry.api.timestamps import timestamp
from registry.services.comparison import ComparedApp as ComparedFacts
from registry.services.comparison import Comparison as ComparisonFacts
from registry.validation import QueryModel

MAX_IDS_TEXT = 20 * 65  # as many ids as the service reads, with their commas


class ComparisonQuery(QueryModel):
    ids: str = Field(max_length=MAX_IDS_TEXT, description="2 to 4 app ids, separated by commas.",
                     examples=["open-zaak,zaakafhandelcomponent"])

    def app_ids(self) -> list[str]:
        return self.ids.split(",")


class PlatformStanding(ApiModel):
    profile: str = Field(description="The platform profile's id.")
    name: str
    runs: bool
    meets_policy: bool
    failed_policies: list[str]


class ApiVersion(ApiModel):
    api: str
    version: str | None = Field(description="A version where provided, a range where required.")


class ApiRequirement(ApiModel):
    alternatives: list[ApiVersion] = Field(description="Any one of these satisfies the requirement.")
    optional: bool


class Price(ApiModel):
    model: str = Field(description="per-inhabitant, per-user, fixed or on-request.")
    note: str


class ComparedApp(ApiModel):
    id: str
    name: str
    layers: list[str]
    license: str
    license_kind: Literal["open", "proprietary"]
    publisher: str
    publisher_verified: bool
    latest_version: str | None
    released_at: Moment = Field(description="When the latest release was published.")
    platforms: list[PlatformStanding] = Field(description="The latest release's verdict per active profile "
                                                          "it was verified on.")
    provides: list[ApiVersion]
    requires: list[ApiRequirement]
    adoption: int = Field(ge=0, description="Municipalities that run the app in production.")
    maintenance: str | None = Field(description="publiccode.yml `maintenance.type`.")
    development_status: str | None = Field(description="publiccode.yml `developmentStatus`.")
    price: Price | None = Field(description="A commercial module's pricing, from its vendor's listing.")


class Comparison(ApiModel):
    apps: list[ComparedApp] = Field(description="In the order asked.")
    differing: list[str] = Field(description="The properties whose values differ between the apps: layer, "
                                             "licence, publisher, platform:<profile>, provides, requires, "
                                             "adoption, maintenance, latest, price.")

    @classmethod
    def of(cls, facts: ComparisonFacts) -> Comparison:
        names = dict(facts.profiles)
        return cls(apps=[_app(a, names) for a in facts.apps], differing=sorted(facts.differing))


def _app(app: ComparedFacts, profiles: dict[str, str]) -> ComparedApp:
    return ComparedApp(
        id=app.slug, name=app.name, layers=app.layers, license=app.licence,
        license_kind="open" if app.licence_kind == "open" else "proprietary",
        publisher=app.publisher_slug, publisher_verified=app.publisher_verified,
        latest_version=app.latest_version, released_at=timestamp(app.released_at),
        platforms=[PlatformStanding(profile=slug, name=name, runs=v.runs, meets_policy=v.meets_policy,
                                    failed_policies=v.failed_policies)
                   for slug, name in profiles.items() if (v := app.platforms.get(slug))],
        provides=[ApiVersion(api=o.api, version=o.version) for o in app.provides],
        requires=[ApiRequirement(alternatives=[ApiVersion(api=a, version=r) for a, r in need.alternatives],
                                 optional=need.optional) for need in app.requires],
        adoption=app.adoption, maintenance=app.maintenance, development_status=app.development_status,
        price=Price(model=app.pricing_model, note=app.pricing_note) if app.pricing_model else None,
    )
