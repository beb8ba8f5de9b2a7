"""Answers about organisations and commercial modules: profiles, listings, entitlements,
interest in buying together, the download log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.timestamps import timestamp
from registry.models import HOSTING_OPTIONS, ORGANISATION_KINDS, PRICING_MODELS, SUPPORT_HOURS, App, CommercialDownload
from registry.models import Entitlement as EntitlementRecord
from registry.models import Interest as InterestRecord
from registry.models import Organisation as OrganisationRecord
from registry.public_urls import external_url_for
from registry.services.download_log import CONTENT_KINDS
from registry.services.identifiers import IDENTIFIER_TYPES
from registry.services.interest import InterestSummary


class Organisation(ApiModel):
    """The public profile: which kind of identifier a curator checked, not the number itself."""

    slug: str
    name: str
    kind: Literal[ORGANISATION_KINDS]  # type: ignore[valid-type]
    verified: bool
    identifier_type: Literal[IDENTIFIER_TYPES] | None = Field(  # type: ignore[valid-type]
        description="What the curator checked: `oin` or `kvk`.")
    verified_at: Moment
    links: Links

    @classmethod
    def of(cls, record: OrganisationRecord) -> Organisation:
        verified = record.verified
        return cls(slug=record.slug, name=record.name, kind=record.kind, verified=verified,
                   identifier_type=record.identifier_type if verified else None,
                   verified_at=timestamp(record.verified_at) if verified else None,
                   links={"self": external_url_for("api.get_organisation", org=record.slug)})


class Pricing(ApiModel):
    model: Literal[PRICING_MODELS]  # type: ignore[valid-type]
    note: str


class Support(ApiModel):
    hours: Literal[SUPPORT_HOURS]  # type: ignore[valid-type]
    note: str


class Contact(ApiModel):
    name: str
    email: str
    phone: str | None
    url: str | None


class FrameworkAgreement(ApiModel):
    name: str
    url: str | None


class Listing(ApiModel):
    pricing: Pricing
    hosting: list[Literal[HOSTING_OPTIONS]]  # type: ignore[valid-type]
    support: Support
    contact: Contact
    framework_agreement: FrameworkAgreement | None
    updated_at: Moment

    @classmethod
    def of(cls, app: App) -> Listing | None:
        record = getattr(app, "listing", None)
        if record is None:
            return None
        framework = None
        if record.framework_name:
            framework = FrameworkAgreement(name=record.framework_name, url=record.framework_url)
        return cls(
            pricing=Pricing(model=record.pricing_model, note=record.pricing_note),
            hosting=list(record.hosting or []),
            support=Support(hours=record.support_hours, note=record.support_note),
            contact=Contact(name=record.contact_name, email=record.contact_email, phone=record.contact_phone,
                            url=record.contact_url),
            framework_agreement=framework, updated_at=timestamp(record.updated_at))


class Entitlement(ApiModel):
    app: str
    organisation: str
    organisation_name: str
    granted_at: Moment

    @classmethod
    def of(cls, record: EntitlementRecord) -> Entitlement:
        return cls(app=record.app.slug, organisation=record.organisation.slug,
                   organisation_name=record.organisation.name, granted_at=timestamp(record.granted_at))


class EntitlementList(ListOf[Entitlement]):
    """The organisations that may download a commercial module."""


class Interested(ApiModel):
    organisation: str
    organisation_name: str
    registered_at: Moment

    @classmethod
    def of(cls, record: InterestRecord) -> Interested:
        return cls(organisation=record.organisation.slug, organisation_name=record.organisation.name,
                   registered_at=timestamp(record.registered_at))


class Interest(ApiModel):
    """The count is public. `registered` is there for a municipality's token; `organisations`
    only for the vendor's and curators' tokens."""

    count: int = Field(ge=0)
    registered: bool | None = None
    organisations: list[Interested] | None = None

    @classmethod
    def of(cls, summary: InterestSummary) -> Interest:
        organisations = None if summary.interests is None else [Interested.of(i) for i in summary.interests]
        return cls(count=summary.count, registered=summary.registered, organisations=organisations)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Download(ApiModel):
    version: str
    organisation: str
    organisation_name: str
    kind: Literal[CONTENT_KINDS] = Field(  # type: ignore[valid-type]
        description="What was sent: the package, a bundle made from it, or one of its images.")
    downloaded_at: Moment

    @classmethod
    def of(cls, record: CommercialDownload) -> Download:
        return cls(version=record.release.version, organisation=record.organisation.slug,
                   organisation_name=record.organisation.name, kind=record.kind, downloaded_at=timestamp(record.at))


class DownloadPage(ListOf[Download]):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
