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

DROP_IT = "This key is DEPRECATED and will be removed in the future. It's safe to drop it"


def check_deprecated(report: Report, doc: Mapping[str, Any]) -> None:
    """Keys the standard still accepts but will remove: warnings, never errors."""
    if doc.get("monochromeLogo"):
        report.warning(
            "deprecated",
            "monochromeLogo",
            "This key is DEPRECATED and will be removed in the future. Use 'logo' instead",
        )
    legal = doc.get("legal") or {}
    if "authorsFile" in legal:
        report.warning("deprecated", "legal.authorsFile", DROP_IT)
    if "repoOwner" in legal:
        report.warning(
            "deprecated",
            "legal.repoOwner",
            "This key is DEPRECATED and will be removed in the future. Use 'organisation.name' instead",
        )
    for key in ("inputTypes", "outputTypes"):
        if key in doc:
            report.warning("deprecated", key, DROP_IT)
    for tag, text in (doc.get("description") or {}).items():
        if text.get("genericName"):
            report.warning("deprecated", f"description.{tag}.genericName", DROP_IT)


def check_italy(report: Report, doc: Mapping[str, Any]) -> None:
    """The Italian section, ``IT`` (``it`` is the deprecated spelling)."""
    section, name = doc.get("IT"), "IT"
    if "it" in doc:
        report.warning(
            "deprecated",
            "it",
            "Lowercase country codes are DEPRECATED and will be removed in the future. Use 'IT' instead",
        )
        if "IT" in doc:
            report.error("duplicate-section", "it", "'IT' key already present. Remove this key")
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
        report.warning("deprecated", f"{name}.conforme", DROP_IT)
    code = (section.get("riuso") or {}).get("codiceIPA")
    if not code:
        return
    if formats.is_ipa_code(code):
        report.warning(
            "deprecated",
            f"{name}.riuso.codiceIPA",
            "This key is DEPRECATED and will be removed in the future. Use 'organisation.uri' and "
            f"set it to 'urn:x-italian-pa:{code}' instead",
        )
    else:
        report.error(
            "invalid-ipa-code",
            f"{name}.riuso.codiceIPA",
            f"codiceIPA must be a valid Italian Public Administration Code (iPA) (see {IPA_DOC}); "
            f"`{code}` is not.",
        )


def check_dutch(report: Report, root: MappingNode) -> None:
    """The unofficial ``nl`` section: a warning, and what the registry reads from it."""
    section = next((v for k, v in mapping_items(root) if isinstance(k, ScalarNode) and k.value == "nl"), None)
    if section is None:
        return
    report.warning(
        "nl-section",
        "nl",
        "The `nl` section is not part of the publiccode.yml standard: other catalogues ignore it. "
        "Keep it if you like, but state the Common Ground layer in appstore.yaml (`layer`).",
    )
    commonground = _child(section, "commonground")
    layer, installation = _text(commonground, "layerType"), _text(commonground, "installationType")
    if layer is not None and layer.strip().lower() not in LAYERS:
        report.warning(
            "nl-layer",
            "nl.commonground.layerType",
            f"`{layer}` is not a Common Ground layer; use one of {', '.join(LAYERS)}.",
        )
    elif layer is not None:
        how = f", installation type `{installation}`" if installation else ""
        report.info(
            "nl-layer",
            "nl.commonground.layerType",
            f"Read Common Ground layer `{layer.strip().lower()}`{how} from the `nl` section; "
            "it is used where appstore.yaml names no layer.",
        )


def _child(node: Any, key: str) -> Any:
    """The value node under ``key`` of a mapping node, else ``None``."""
    if not isinstance(node, MappingNode):
        return None
    return next((v for k, v in mapping_items(node) if isinstance(k, ScalarNode) and k.value == key), None)


def _text(node: Any, key: str) -> str | None:
    value = _child(node, key)
    if isinstance(value, ScalarNode) and value.tag.endswith(":str") and value.value.strip():
        return value.value
    return None
