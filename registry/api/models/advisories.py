"""Answers about security advisories: the OSV records themselves, and the short note that
app, release and update answers carry about the advisories affecting them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from registry.api.models.base import ApiModel, Links, ListOf
from registry.api.timestamps import timestamp
from registry.models import Advisory
from registry.osv import ECOSYSTEM, SCHEMA_VERSION, OsvRecord, without_nulls
from registry.public_urls import external_url_for
from registry.services.advisories import AffectingAdvisory

Level = Literal["low", "medium", "high", "critical"]


def osv_record(advisory: Advisory) -> OsvRecord:
    """The advisory in the OSV format, as OSV tooling reads it."""
    specific = {"severity": advisory.level.upper()} if advisory.level else None
    return OsvRecord.model_validate({
        "schema_version": SCHEMA_VERSION, "id": advisory.advisory_id, "aliases": advisory.aliases,
        "summary": advisory.summary, "details": advisory.details, "severity": advisory.severity,
        "affected": [{"package": {"ecosystem": ECOSYSTEM, "name": advisory.app.slug},
                      "ranges": advisory.ranges, "versions": advisory.versions}],
        "references": advisory.references, "database_specific": specific,
        "published": timestamp(advisory.published_at), "modified": timestamp(advisory.modified_at),
        "withdrawn": timestamp(advisory.withdrawn_at),
    }, strict=False)


def osv_json(advisory: Advisory) -> dict[str, Any]:
    return osv_record(advisory).to_json()


class OsvList(ListOf[OsvRecord]):
    def to_json(self) -> dict[str, Any]:
        return without_nulls(super().to_json())  # the records' keys are OSV's, which has no nulls


class AdvisoryPage(OsvList):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class AppAdvisories(OsvList):
    """Every advisory about one app, withdrawn ones included."""


class AdvisoryNote(ApiModel):
    """An advisory in force that affects a release."""

    id: str
    summary: str
    severity: Level | None = Field(description="The simple level, from the publisher or the CVSS vector.")
    fixed: str | None = Field(description="The first version without the flaw; null when none is fixed yet.")
    links: Links

    @classmethod
    def of(cls, found: AffectingAdvisory) -> AdvisoryNote:
        advisory = found.advisory
        return cls(id=advisory.advisory_id, summary=advisory.summary, severity=advisory.level, fixed=found.fixed,
                   links={"self": external_url_for("api.get_advisory", advisory_id=advisory.advisory_id)})
