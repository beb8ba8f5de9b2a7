"""Ownership: only the organisation that owns an app id publishes under it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext

PLUGIN_NAME = "ownership"


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    facts = context.registry
    if facts is None:
        return []  # offline there is no token and no owner to compare
    findings: list[Finding] = []
    publisher = manifest.get("publisher")
    if isinstance(publisher, str) and publisher != facts.uploader:
        findings.append(Finding.error("ownership.publisher-mismatch", key="publisher",
                                      data={"publisher": publisher, "uploader": facts.uploader}))
    if facts.app_owner is not None and facts.app_owner != facts.uploader:
        findings.append(Finding.error("ownership.app-owned-elsewhere", key="id",
                                      data={"app": manifest.get("id"), "owner": facts.app_owner}))
    return findings
