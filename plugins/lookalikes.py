"""Look-alikes: an app may not pass for another organisation's app.

The registry finds the apps whose id or name has the same confusables
skeleton (Unicode TS #39) as the manifest's and hands them over as
``RegistryFacts.lookalikes``; this plugin turns each into an error finding.
The owner's own apps are never among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext

PLUGIN_NAME = "lookalikes"


@hookimpl(trylast=True)
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    facts = context.registry
    if facts is None:
        return []  # offline the registry's apps are unknown
    findings = []
    for other in facts.lookalikes:
        data = {"app": other.app_id, "owner": other.owner}
        if other.field == "id":
            findings.append(Finding.error("identity.lookalike-id", key="id", data={**data, "id": manifest.get("id")}))
        else:
            findings.append(Finding.error("identity.lookalike-name", key="name",
                                          data={**data, "name": manifest.get("name"), "otherName": other.name}))
    return findings
