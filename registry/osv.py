"""The OSV format (https://ossf.github.io/osv-schema/) as far as this registry takes it in.

No maintained package ships the OSV JSON schema for validation (the `osv` package on
PyPI is archived), so the fields we accept are pydantic models: strict types, unknown
fields refused, limits on every list and text. Keys are OSV's own (snake_case), so a
record written for other OSV databases reads here unchanged, and what we serve reads
in OSV tooling.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from cvss import CVSS3, CVSS4, CVSSError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from registry.validation import problem
from sdk.versions import parse_version

SCHEMA_VERSION = "1.6.0"
#: OSV's ecosystem name for packages of this registry.
ECOSYSTEM = "Gemeente App Store"
#: Severity levels, lowest first (CVSS v3/v4 qualitative ratings, without "none").
LEVELS = ("low", "medium", "high", "critical")
REFERENCE_TYPES = ("ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED",
                   "GIT", "PACKAGE", "EVIDENCE", "WEB")
MAX_URL = 2000
MAX_DETAILS = 50_000


class OsvModel(BaseModel):
    """OSV's own keys; strict types and unknown fields refused, like every API input."""

    model_config = ConfigDict(extra="forbid", strict=True)

    def to_json(self) -> dict[str, Any]:
        return without_nulls(self.model_dump(mode="json"))


class OsvPackage(OsvModel):
    ecosystem: Literal["Gemeente App Store"] = Field(description="Always `Gemeente App Store`.")
    name: str = Field(min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
                      description="The app's id.")


class OsvEvent(OsvModel):
    """One point of a range: exactly one of its fields is set."""

    introduced: str | None = Field(None, max_length=100, description="A version, or `0` for every earlier one.")
    fixed: str | None = Field(None, max_length=100)
    last_affected: str | None = Field(None, max_length=100)

    @model_validator(mode="after")
    def _one_point(self) -> OsvEvent:
        given = [(kind, value) for kind, value in self.point_pairs() if value is not None]
        if len(given) != 1:
            raise problem("invalid", "Give exactly one of `introduced`, `fixed` or `last_affected` per event.")
        kind, value = given[0]
        if not (kind == "introduced" and value == "0") and parse_version(value) is None:
            raise problem("format", f"`{value}` is not a SemVer version (e.g. 1.4.0).")
        return self

    def point_pairs(self) -> list[tuple[str, str | None]]:
        return [("introduced", self.introduced), ("fixed", self.fixed), ("last_affected", self.last_affected)]


class OsvRange(OsvModel):
    type: Literal["SEMVER"] = Field(description="Versions of this registry are SemVer 2.0.")
    events: list[OsvEvent] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _opens(self) -> OsvRange:
        if not any(event.introduced is not None for event in self.events):
            raise problem("invalid", "A range needs an `introduced` event (`0` for every earlier version).")
        return self


class OsvAffected(OsvModel):
    package: OsvPackage
    ranges: list[OsvRange] = Field(default_factory=list, max_length=20)
    versions: list[str] = Field(default_factory=list, max_length=500)

    @field_validator("versions")
    @classmethod
    def _versions(cls, values: list[str]) -> list[str]:
        for value in values:
            if parse_version(value) is None:
                raise problem("format", f"`{value[:100]}` is not a SemVer version (e.g. 1.4.0).")
        return values

    @model_validator(mode="after")
    def _something(self) -> OsvAffected:
        if not self.ranges and not self.versions:
            raise problem("required", "Name the affected versions: `ranges` (SEMVER events) or `versions`.")
        return self


class OsvSeverity(OsvModel):
    type: Literal["CVSS_V3", "CVSS_V4"]
    score: str = Field(max_length=300, description="The CVSS vector, e.g. `CVSS:3.1/AV:N/AC:L/...`.")

    @model_validator(mode="after")
    def _vector(self) -> OsvSeverity:
        cvss_level(self.type, self.score)  # refuses a vector that is not one
        return self


class OsvReference(OsvModel):
    type: Literal[REFERENCE_TYPES]  # type: ignore[valid-type]
    url: str = Field(max_length=MAX_URL)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise problem("format", "Give an http or https address, e.g. https://example.org/advisory.")
        return value


class OsvDatabaseSpecific(OsvModel):
    severity: Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"] | None = Field(
        None, description="The simple level; without it, the level follows from the CVSS vector.")


class AdvisoryContent(OsvModel):
    """What a publisher writes: an OSV record without the fields the registry assigns
    (`id`, `published`, `modified`, `withdrawn`). One app per advisory."""

    schema_version: str | None = Field(None, max_length=20)
    aliases: list[str] = Field(default_factory=list, max_length=20, description="e.g. CVE ids.")
    summary: str = Field(min_length=1, max_length=200)
    details: str = Field("", max_length=MAX_DETAILS, description="Markdown.")
    severity: list[OsvSeverity] = Field(default_factory=list, max_length=4)
    affected: list[OsvAffected] = Field(min_length=1, max_length=1)
    references: list[OsvReference] = Field(default_factory=list, max_length=50)
    database_specific: OsvDatabaseSpecific | None = None

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value or len(value) > 100 or not all(c.isalnum() and c.isascii() or c in "._:-" for c in value):
                raise problem("format", "An alias is an id such as CVE-2026-12345 (letters, digits, . _ : -).")
        return values

    @property
    def app(self) -> str:
        return self.affected[0].package.name

    def level(self) -> str | None:
        """The simple level as given, else the highest that the CVSS vectors give."""
        if self.database_specific is not None and self.database_specific.severity is not None:
            return self.database_specific.severity.lower()
        levels = [cvss_level(s.type, s.score) for s in self.severity]
        known = [level for level in levels if level in LEVELS]
        return max(known, key=LEVELS.index) if known else None


class OsvRecord(AdvisoryContent):
    """An advisory as served: the OSV record, with the fields the registry assigned."""

    id: str = Field(description="The registry's id, e.g. GAS-2026-0001.")
    modified: str
    published: str
    withdrawn: str | None = None
    schema_version: str | None = SCHEMA_VERSION


def without_nulls(value: Any) -> Any:
    """OSV leaves out what is not known (an event has exactly one key), never null."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def cvss_level(kind: str, vector: str) -> str:
    """The qualitative rating of a CVSS v3 or v4 vector (`low` ... `critical`, or `none`)."""
    try:
        parsed: Any = CVSS3(vector) if kind == "CVSS_V3" else CVSS4(vector)
    except (CVSSError, ValueError, KeyError, IndexError):
        raise problem("format", f"Give a valid {kind.replace('_', ' ')} vector, e.g. "
                                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.") from None
    rating = parsed.severities()[0] if kind == "CVSS_V3" else parsed.severity
    return str(rating).lower()


def affects(ranges: list[dict[str, Any]], versions: list[str], version: str) -> bool:
    """Whether ``version`` lies in the OSV ``ranges`` or is one of ``versions``."""
    if version in versions:
        return True
    target = parse_version(version)
    return target is not None and any(_in_range(r.get("events", []), target) for r in ranges
                                      if r.get("type") == "SEMVER")


def fixed_in(ranges: list[dict[str, Any]], version: str) -> str | None:
    """The lowest `fixed` version above ``version``: the first release without the flaw."""
    target = parse_version(version)
    fixes = [parse_version(e["fixed"]) for r in ranges for e in r.get("events", []) if e.get("fixed")]
    above = [f for f in fixes if f is not None and (target is None or f > target)]
    return str(min(above)) if above else None


def _in_range(events: list[dict[str, Any]], target: Any) -> bool:
    """OSV's evaluation: walk the events in version order; the last one at or below the
    target decides (introduced opens, fixed closes before itself, last_affected after)."""
    points = []
    for event in events:
        kind, text = next(((k, v) for k, v in event.items() if v is not None), ("", None))
        at = parse_version("0.0.0") if kind == "introduced" and text == "0" else parse_version(text or "")
        if at is not None:
            points.append((at, kind))
    affected = False
    for at, kind in sorted(points, key=lambda p: p[0]):
        if kind == "introduced" and at <= target:
            affected = True
        elif kind == "fixed" and at <= target:
            affected = False
        elif kind == "last_affected" and at < target:
            affected = False
    return affected
