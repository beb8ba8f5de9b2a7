"""What the upload page says after a publish: the verdict per platform first,
then every finding at once, grouped by the part of the package it is about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sdk.findings import Finding, sorted_findings
from sdk.package import MANIFEST_PATH
from sdk.verdicts import Verdict

#: The parts of a package a finding can be about, in the order an author fixes them.
CONCERNS = {
    "manifest": _l("The manifest (appstore.yaml)"),
    "publiccode": _l("The description (publiccode.yml)"),
    "package": _l("The package and its files"),
}
#: Code families (the part of a code before its first dot) about the manifest's keys.
MANIFEST_FAMILIES = frozenset({"manifest", "licence", "version", "ownership", "identity", "scaffold"})


@dataclass(frozen=True)
class FindingGroup:
    concern: str
    heading: str
    findings: list[Finding]


def concern(finding: Finding) -> str:
    """The part of the package ``finding`` is about: by its code family, and a key
    that is a path (``deploy/...``) makes it a file's, whatever the family; a
    finding about appstore.yaml as a file (its YAML) is the manifest's."""
    family = finding.code.partition(".")[0]
    if family == "publiccode":
        return "publiccode"
    if (family in MANIFEST_FAMILIES and "/" not in finding.key) or finding.key == MANIFEST_PATH:
        return "manifest"
    return "package"


def grouped(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Findings of the package itself per concern (empty concerns left out), most serious first."""
    ordered = sorted_findings(findings)
    groups = [FindingGroup(name, str(heading), [f for f in ordered if concern(f) == name])
              for name, heading in CONCERNS.items()]
    return [group for group in groups if group.findings]


def platform_findings(verdict: Verdict) -> list[Finding]:
    """What a platform said: errors and warnings (information stays on the release page)."""
    return [f for f in sorted_findings(verdict.findings) if f.severity != "info"]


def published_message(name: str, version: str, verdicts: Sequence[Verdict]) -> tuple[str, str]:
    """The banner after a publish and its tone: a success only when the release runs
    on every active platform; otherwise a warning that names where it does not run."""
    active = [v for v in verdicts if not v.retired]
    missing = [v.name for v in active if not v.runs]
    if active and len(missing) == len(active):
        return _("%(app)s %(version)s is published, but runs on no platform yet: fix what the "
                 "platforms below name, then publish a new version.", app=name, version=version), "warning"
    if missing:
        return _("%(app)s %(version)s is published, but does not run on %(platforms)s yet: the "
                 "verdict per platform below says what to fix.", app=name, version=version,
                 platforms=", ".join(missing)), "warning"
    return _("%(app)s %(version)s is published.", app=name, version=version), "success"


def template_values(error: Any) -> dict[str, Any]:
    """What publish.html needs to show a refused upload."""
    return {"verdicts": list(error.verdicts), "groups": grouped(error.findings or ()),
            "platform_findings": platform_findings}
