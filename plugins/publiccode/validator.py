"""Validating one publiccode.yml: the order of the checks and where they stop.

Like the reference checker: an unreadable file or an unsupported version stops
everything; otherwise every rule runs and all findings come back at once.
"""

from __future__ import annotations

from plugins.publiccode import rules_core
from plugins.publiccode.assets import check_assets
from plugins.publiccode.document import MappingNode, Node, ScalarNode, compose, describe, mapping_items
from plugins.publiccode.extensions import check_deprecated, check_dutch, check_italy
from plugins.publiccode.report import Report
from plugins.publiccode.rules_description import check_description
from plugins.publiccode.rules_maintenance import check_maintenance
from plugins.publiccode.schema import Decoder
from plugins.publiccode.vocabularies import LATEST_MINOR, LATEST_VERSION, SUPPORTED_VERSIONS
from sdk.findings import Finding
from sdk.package import PackageView
from sdk.publiccode import offer_publiccode

VERSION_KEY = "publiccodeYmlVersion"


def validate(raw: bytes, package: PackageView | None = None) -> list[Finding]:
    """Every finding about a publiccode.yml; ``package`` resolves the files it refers to."""
    report = Report()
    root, problem, data = compose(raw)
    if package is not None:
        offer_publiccode(package, package.publiccode_path(), raw, data)
    if problem is not None:
        report.error(problem.code, "", **problem.data)
        return report.findings
    if not isinstance(root, MappingNode):
        report.error("not-a-mapping", "", actual=describe(root))
        return report.findings
    check_dutch(report, root)
    if not _version_supported(report, root):
        return report.findings
    doc, broken = Decoder(report).document(root)
    report.ignored = broken
    for rule in (
        rules_core.check_identity,
        rules_core.check_organisations,
        rules_core.check_supports,
        rules_core.check_audience,
        check_description,
        rules_core.check_legal,
        check_maintenance,
        rules_core.check_localisation,
        rules_core.check_dependencies,
        check_deprecated,
        check_italy,
    ):
        rule(report, doc)
    if package is not None:
        check_assets(report, doc, package)
    return report.findings


def _version_supported(report: Report, root: MappingNode) -> bool:
    """Check ``publiccodeYmlVersion``; ``False`` when the rest cannot be read by its rules."""
    node: Node | None = next(
        (v for k, v in mapping_items(root) if isinstance(k, ScalarNode) and k.value == VERSION_KEY), None
    )
    if node is None:
        report.required(VERSION_KEY)
        return False
    if not isinstance(node, ScalarNode):
        report.error("wrong-type", VERSION_KEY, case="version", path=VERSION_KEY, expected="string",
                     actual=describe(node), latest=LATEST_VERSION)
        return False
    version = node.value
    if version not in SUPPORTED_VERSIONS:
        report.error("unsupported-version", VERSION_KEY, version=version, supported=list(SUPPORTED_VERSIONS),
                     latest=LATEST_VERSION)
        return False
    if version != LATEST_VERSION:
        report.warning("outdated-version", VERSION_KEY, version=version, latest=LATEST_VERSION,
                       parsedAs=LATEST_MINOR)
    return True
