"""The default decision: any error rejects the release."""

from __future__ import annotations

from collections.abc import Sequence

from sdk import hookimpl
from sdk.findings import Finding, has_errors
from sdk.hookspecs import Decision, VerificationContext

PLUGIN_NAME = "decision"


@hookimpl(trylast=True)
def appstore_decide(findings: Sequence[Finding], context: VerificationContext) -> Decision:
    return Decision(accepted=not has_errors(findings), findings=tuple(findings))
