"""Answers about the catalogue: apps, releases, their findings and compatibility, profiles."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from registry.api.models.advisories import AdvisoryNote
from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.models.publisher_keys import SignedBy
from registry.api.models.vendors import Listing
from registry.api.timestamps import timestamp
from registry.models import App as AppRecord
from registry.models import FindingRecord, PlatformProfileRecord
from registry.models import Release as ReleaseRecord
from registry.models import Yank as YankRecord
from registry.public_urls import external_url_for
from registry.services.advisories import affecting
from registry.services.installations import Adoption as AdoptionFigures
from registry.services.profiles import as_profile
from sdk.manifest import LAYERS
from sdk.profiles import PolicyBinding

Layer = Literal[LAYERS]  # type: ignore[valid-type]
ReleaseStatus = Literal["published", "yanked"]
ProfileStatus = Literal["active", "retired"]
Sha256 = str


class Finding(ApiModel):
    code: str
    severity: Literal["error", "warning", "info"]
    message: str
    key: str
    plugin: str
    kind: Literal["runs", "policy", "advice"] | None = Field(
        None, description="For platform findings: whether it is about running at all, about a policy the "
                          "profile enforces, or advice.")
    data: dict[str, Any] = Field(
        default_factory=dict, description="The values the message is made from (object kind and name, field, "
                                          "versions, expected and actual values); the keys depend on the code.")

    @classmethod
    def of(cls, record: FindingRecord) -> Finding:
        return cls(code=record.code, severity=record.severity, message=record.message, key=record.key,
                   plugin=record.plugin, kind=record.kind, data=record.data or {})


class AppSummary(ApiModel):
    id: str
    name: str
    summary: str
    publisher: str
    publisher_verified: bool = Field(description="A curator checked the publisher's OIN or KvK number.")
    verified: bool = Field(description="Same as `publisherVerified`.")
    layer: Layer | None
    layers: list[Layer] = Field(description="Every Common Ground layer of the app; `layer` is the first.")
    categories: list[str]
    license: str
    latest_version: str | None
    updated_at: Moment
    links: Links

    @classmethod
    def fields_of(cls, app: AppRecord) -> dict[str, Any]:
        verified = app.organisation.verified
        return dict(
            id=app.slug, name=app.name, summary=app.summary, publisher=app.organisation.slug,
            publisher_verified=verified, verified=verified, layer=app.layer,
            layers=[layer for layer in (app.layers or "").split(",") if layer],
            categories=list(app.categories or []), license=app.license, latest_version=app.latest_version,
            updated_at=timestamp(app.updated_at), links={"self": external_url_for("api.get_app", app_id=app.slug)})

    @classmethod
    def of(cls, app: AppRecord) -> AppSummary:
        return cls(**cls.fields_of(app))


class Adoption(ApiModel):
    count: int = Field(ge=0, description="Municipalities that run the app in production.")
    names: list[str] = Field(description="Those of them that chose to be named.")

    @classmethod
    def of(cls, figures: AdoptionFigures) -> Adoption:
        return cls(count=figures.count, names=figures.names)


class ReleaseRef(ApiModel):
    version: str
    status: ReleaseStatus
    published_at: Moment
    sha256: Sha256
    advisories: list[AdvisoryNote] = Field(description="Security advisories in force that affect this release.")
    links: Links

    @classmethod
    def of(cls, release: ReleaseRecord) -> ReleaseRef:
        return cls(version=release.version, status=release.status, published_at=timestamp(release.published_at),
                   sha256=release.artifact_sha256, advisories=advisory_notes(release), links={"self": external_url_for(
                       "api.get_release", app_id=release.app.slug, version=release.version)})


class App(AppSummary):
    publisher_name: str
    listing: Listing | None = Field(description="What a commercial module costs and how to buy it; "
                                                "null for open source.")
    releases: list[ReleaseRef]
    adoption: Adoption

    @classmethod
    def of_app(cls, app: AppRecord, adoption: AdoptionFigures) -> App:
        return cls(**cls.fields_of(app), publisher_name=app.organisation.name, listing=Listing.of(app),
                   releases=[ReleaseRef.of(r) for r in sorted(app.releases, key=lambda r: r.id, reverse=True)],
                   adoption=Adoption.of(adoption))


class AppPage(ListOf[AppSummary]):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class Compatibility(ApiModel):
    profile: str
    profile_status: ProfileStatus
    runs: bool = Field(description="The cluster can run it: API versions, custom resources and operators, "
                                   "storage and platform services are there.")
    meets_policy: bool = Field(description="It meets every policy the profile enforces.")
    failed_policies: list[str]
    compatible: bool = Field(description="runs and meetsPolicy: it may be installed there.")
    checked_at: Moment
    findings: list[Finding]

    @classmethod
    def row_of(cls, release: ReleaseRecord) -> list[Compatibility]:
        """The release's row of the compatibility matrix, one entry per profile it was verified on."""
        findings: dict[str, list[FindingRecord]] = {}
        for record in release.findings:
            if record.profile is not None:
                findings.setdefault(record.profile, []).append(record)
        return [
            cls(profile=entry.profile.slug, profile_status=entry.profile.status, runs=entry.runs,
                meets_policy=entry.meets_policy, failed_policies=list(entry.failed_policies or []),
                compatible=entry.compatible, checked_at=timestamp(entry.checked_at),
                findings=[Finding.of(r) for r in findings.get(entry.profile.slug, [])])
            for entry in sorted(release.compatibility, key=lambda c: c.profile.slug)
        ]


class YankNote(ApiModel):
    reason: str
    yanked_at: Moment

    @classmethod
    def of(cls, yank: YankRecord | None) -> YankNote | None:
        return None if yank is None else cls(reason=yank.reason, yanked_at=timestamp(yank.created_at))


class Release(ApiModel):
    app: str
    version: str
    status: ReleaseStatus
    publisher: str
    sha256: Sha256 = Field(pattern="^[0-9a-f]{64}$")
    size: int
    filename: str
    published_at: Moment
    manifest: dict[str, Any]
    publiccode: dict[str, Any] | None
    findings: list[Finding]
    compatibility: list[Compatibility]
    yank: YankNote | None
    advisories: list[AdvisoryNote] = Field(description="Security advisories in force that affect this release.")
    signed_by: SignedBy | None = Field(description="The publisher's checked signature, if it signed the release.")
    links: Links

    @classmethod
    def of(cls, release: ReleaseRecord) -> Release:
        app = release.app
        yank = release.yanks[-1] if release.yanks and release.yanked else None
        return cls(
            app=app.slug, version=release.version, status=release.status, publisher=app.organisation.slug,
            sha256=release.artifact_sha256, size=release.artifact.size, filename=release.artifact.filename,
            published_at=timestamp(release.published_at), manifest=release.manifest, publiccode=release.publiccode,
            findings=[Finding.of(r) for r in release.findings if r.profile is None],
            compatibility=Compatibility.row_of(release), yank=YankNote.of(yank),
            advisories=advisory_notes(release), signed_by=SignedBy.of(release), links={
                "self": external_url_for("api.get_release", app_id=app.slug, version=release.version),
                "package": external_url_for("api.download_package", app_id=app.slug, version=release.version),
                "app": external_url_for("api.get_app", app_id=app.slug),
            })


def advisory_notes(release: ReleaseRecord) -> list[AdvisoryNote]:
    return [AdvisoryNote.of(found) for found in affecting(release.app, release.version)]


class ServiceOffer(ApiModel):
    """A platform service with its major version and extensions, where the profile names them."""

    name: str
    version: str | None
    extensions: list[str]


class OperatorOffer(ApiModel):
    name: str
    version: str | None


class Policy(ApiModel):
    check: str
    mode: Literal["binding", "advisory"]
    binding_from: str | None

    @classmethod
    def of(cls, binding: PolicyBinding) -> Policy:
        return cls(check=binding.code_prefix, mode="advisory" if binding.advisory else "binding",
                   binding_from=binding.binding_from.isoformat() if binding.binding_from else None)


class Profile(ApiModel):
    id: str
    name: str
    status: ProfileStatus
    revision: int
    description: str
    kubernetes_versions: list[str]
    storage_access_modes: list[str]
    storage_classes: list[str]
    services: list[str]
    custom_resources: list[str]
    operators: list[str]
    service_offers: list[ServiceOffer]
    operator_offers: list[OperatorOffer]
    pod_security: Literal["privileged", "baseline", "restricted"]
    policies: list[Policy]
    updated_at: Moment
    links: Links

    @classmethod
    def of(cls, record: PlatformProfileRecord) -> Profile:
        parsed = as_profile(record)
        return cls(
            id=record.slug, name=record.name, status=record.status, revision=record.revision,
            description=parsed.description, kubernetes_versions=list(parsed.kubernetes_versions),
            storage_access_modes=list(parsed.storage_access_modes), storage_classes=list(parsed.storage_classes),
            services=list(parsed.services), custom_resources=list(parsed.custom_kinds),
            operators=list(parsed.operators),
            service_offers=[ServiceOffer(name=o.name, version=o.version, extensions=list(o.extensions))
                            for o in parsed.service_offers],
            operator_offers=[OperatorOffer(name=o.name, version=o.version) for o in parsed.operator_offers],
            pod_security=parsed.pod_security, policies=[Policy.of(p) for p in parsed.policies],
            updated_at=timestamp(record.updated_at),
            links={"self": external_url_for("api.get_profile", profile_id=record.slug)})


class ProfileList(ListOf[Profile]):
    """Every platform profile, active and retired."""


class Affected(ApiModel):
    app: str
    version: str
    findings: list[Finding]


class Impact(ApiModel):
    profile: str
    kubernetes: str
    affected: list[Affected]
    total: int = Field(ge=0)
