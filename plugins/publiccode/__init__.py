"""publiccode.yml: validation to the rules of the reference checker, offline.

The reference is italia/publiccode-parser-go. This package follows its rules for
every version it accepts (0, 0.2 to 0.5, 0.7) without using the network: files
the document names are looked up in the package, URLs are checked for form only.

Modules, one concern each: ``document`` (YAML 1.2 nodes), ``schema`` (shape and
decoding), ``rules_*`` (the rules per area), ``extensions`` (country sections,
deprecations), ``assets`` (logo, screenshots), ``formats`` and ``languages``
(single values), ``vocabularies`` (controlled lists), ``validator`` (the order).
"""

from __future__ import annotations

from plugins.publiccode.validator import validate
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import SourceDocument, VerificationContext
from sdk.package import PackageView

PLUGIN_NAME = "publiccode"

__all__ = ["PLUGIN_NAME", "appstore_verify_publiccode", "validate"]


@hookimpl(trylast=True)
def appstore_verify_publiccode(
    document: SourceDocument, package: PackageView, context: VerificationContext
) -> list[Finding]:
    return validate(document.raw, package)
