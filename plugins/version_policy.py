"""Version policy: a version that exists or ever existed is never published again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.versions import parse_version, precedence_key

PLUGIN_NAME = "version-policy"
EXISTS = "version.exists"


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    version = manifest.get("version")
    if not isinstance(version, str) or (parsed := parse_version(version)) is None:
        return []  # the schema check reports an invalid version
    findings: list[Finding] = []
    if context.registry is not None:
        taken = {precedence_key(v) for v in context.registry.known_versions}
        if precedence_key(version) in taken:
            findings.append(Finding.error(EXISTS, key="version", data={"version": version}))
    if parsed.prerelease:
        findings.append(Finding.info("version.prerelease", key="version", data={"version": version}))
    return findings
