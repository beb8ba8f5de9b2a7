"""Country sections (``IT``, the unofficial Dutch ``nl``) and deprecated keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.publiccode import formats
from plugins.publiccode.checks import enum
from plugins.publiccode.document import MappingNode, ScalarNode, mapping_items
from plugins.publiccode.report import Report
from plugins.publiccode.rules_core import IPA_DOC
from plugins.publiccode.vocabularies import IT_EXTENSION_VERSIONS
from sdk.manifest import LAYERS

#: The wording of a deprecated key that nothing replaces: it is safe to drop it.
DROP_IT = "drop"


def check_deprecated(report: Report, doc: Mapping[str, Any]) -> None:
    """Keys the standard still accepts but will remove: warnings, never errors."""
    if doc.get("monochromeLogo"):
        report.warning("deprecated", "monochromeLogo", replacement="logo")
    legal = doc.get("legal") or {}
    if "authorsFile" in legal:
        report.warning("deprecated", "legal.authorsFile", case=DROP_IT)
    if "repoOwner" in legal:
        report.warning("deprecated", "legal.repoOwner", replacement="organisation.name")
    for key in ("inputTypes", "outputTypes"):
        if key in doc:
            report.warning("deprecated", key, case=DROP_IT)
    for tag, text in (doc.get("description") or {}).items():
        if text.get("genericName"):
            report.warning("deprecated", f"description.{tag}.genericName", case=DROP_IT)


def check_italy(report: Report, doc: Mapping[str, Any]) -> None:
    """The Italian section, ``IT`` (``it`` is the deprecated spelling)."""
    section, name = doc.get("IT"), "IT"
    if "it" in doc:
        report.warning("deprecated", "it", case="lowercase-country", replacement="IT")
        if "IT" in doc:
            report.error("duplicate-section", "it", section="IT")
        else:
            section, name = doc["it"], "it"
    if not isinstance(section, Mapping):
        return
    enum(
        report,
        section.get("countryExtensionVersion"),
        IT_EXTENSION_VERSIONS,
        f"{name}.countryExtensionVersion",
    )
    if "conforme" in section:
        report.warning("deprecated", f"{name}.conforme", case=DROP_IT)
    code = (section.get("riuso") or {}).get("codiceIPA")
    if not code:
        return
    if formats.is_ipa_code(code):
        report.warning(
            "deprecated",
            f"{name}.riuso.codiceIPA",
            case="codice-ipa",
            replacement="organisation.uri",
            value=f"urn:x-italian-pa:{code}",
        )
    else:
        report.error("invalid-ipa-code", f"{name}.riuso.codiceIPA", value=code, documentation=IPA_DOC)


def check_dutch(report: Report, root: MappingNode) -> None:
    """The unofficial ``nl`` section: a warning, and what the registry reads from it."""
    section = next((v for k, v in mapping_items(root) if isinstance(k, ScalarNode) and k.value == "nl"), None)
    if section is None:
        return
    report.warning("nl-section", "nl")
    commonground = _child(section, "commonground")
    layer, installation = _text(commonground, "layerType"), _text(commonground, "installationType")
    if layer is not None and layer.strip().lower() not in LAYERS:
        report.warning("nl-layer", "nl.commonground.layerType", case="unknown", layer=layer, allowed=list(LAYERS))
    elif layer is not None:
        how = {"case": "installation", "installation": installation} if installation else {}
        report.info("nl-layer", "nl.commonground.layerType", layer=layer.strip().lower(), **how)


def _child(node: Any, key: str) -> Any:
    """The value node under ``key`` of a mapping node, else ``None``."""
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in mapping_items(node) if isinstance(k, ScalarNode) and k.value == key), None)


def _text(node: Any, key: str) -> str | None:
    value = _child(node, key)
    if isinstance(value, ScalarNode) and (value.tag or "").endswith(":str") and value.value.strip():
        return value.value
    return None
