"""publiccode.yml: the document must parse to a mapping.

Full validation to the rules of the reference checker extends this module.
"""

from __future__ import annotations

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import SourceDocument, VerificationContext
from sdk.package import PackageView
from sdk.publiccode import load_publiccode

PLUGIN_NAME = "publiccode"


@hookimpl(trylast=True)
def appstore_verify_publiccode(
    document: SourceDocument, package: PackageView, context: VerificationContext
) -> list[Finding]:
    _, findings = load_publiccode(document.raw, document.path)
    return findings
