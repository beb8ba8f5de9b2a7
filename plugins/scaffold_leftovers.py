"""Scaffold leftovers: what `appstore init` wrote as an example is never published.

The template's summary and its all-zero image digest make a fresh project pass
every check, so that an author can build it at once. Offline they are
warnings; when the registry verifies a release (publish) they are errors: an
app whose image cannot be pulled, or whose summary says "describe in one
sentence", must not reach the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.scaffold import PLACEHOLDER_DIGEST, TEMPLATE_SUMMARY_TAIL

PLUGIN_NAME = "scaffold-leftovers"
#: Files that can name an image: manifests in deploy/ and a chart's values and templates.
IMAGE_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".tpl")


def _leftover(code: str, key: str, context: VerificationContext, **data: Any) -> Finding:
    if context.registry is None:
        return Finding.warning(code, key=key, data=data)
    return Finding.error(code, key=key, data=data)


@hookimpl
def appstore_verify_manifest(manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
    summary = manifest.get("summary")
    if isinstance(summary, str) and summary.strip().endswith(TEMPLATE_SUMMARY_TAIL):
        return [_leftover("scaffold.template-summary", "summary", context)]
    return []


@hookimpl
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    findings = []
    for path in package.names():
        if not path.endswith(IMAGE_FILE_SUFFIXES):
            continue
        raw = package.read(path)
        if raw is not None and PLACEHOLDER_DIGEST.encode() in raw:
            findings.append(_leftover("scaffold.placeholder-digest", path, context,
                                     path=path, digest=PLACEHOLDER_DIGEST))
    return findings
