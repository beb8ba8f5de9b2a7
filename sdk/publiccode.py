"""Reading publiccode.yml: parsing, and the parts the catalogue shows.

Validation lives in the ``publiccode`` plugin; this module only reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk.findings import Finding
from sdk.manifest import LAYERS
from sdk.package import PackageView
from sdk.text import unstorable_in
from sdk.yamldoc import MAX_DOCUMENT_BYTES, NOT_BUILT, load_yaml


def load_publiccode(raw: bytes, path: str = "publiccode.yml") -> tuple[dict[str, Any] | None, list[Finding]]:
    """Parse a publiccode.yml (YAML 1.2); ``None`` with findings when it cannot be read."""
    data, findings = load_yaml(raw, path)
    if findings:
        return None, [Finding(f"publiccode.{f.code}", f.severity, f.message, "", data=f.data) for f in findings]
    if not isinstance(data, dict):
        return None, [Finding.error("publiccode.not-a-mapping", data={"path": path, "case": "loaded"})]
    return data, []


def publiccode_of(package: PackageView, path: str | None = None) -> dict[str, Any] | None:
    """The package's publiccode.yml (``path``, else the one it carries) as data, or ``None``
    when absent or unreadable. Parsed once per package view: its readers share the result
    and must not change it."""
    loaded = package.parsed(path or package.publiccode_path(), load_publiccode)
    return loaded[0] if loaded is not None else None


def offer_publiccode(package: PackageView, path: str, raw: bytes, data: Any) -> None:
    """Hand ``data``, read from ``raw`` by a reader of its nodes (``yamldoc.compose_with_data``),
    to the readers of ``publiccode_of``, where ``load_publiccode`` would give just that for the
    bytes of ``path``: one parse of publiccode.yml a publish, not one for its checks and another
    for the catalogue."""
    if (data is NOT_BUILT or not isinstance(data, dict) or len(raw) > MAX_DOCUMENT_BYTES
            or package.read(path) != raw or next(unstorable_in(data), None) is not None):
        return  # load_publiccode reads it, and says what is wrong
    loaded: tuple[dict[str, Any] | None, list[Finding]] = (data, [])
    package.offer(path, load_publiccode, loaded)


def commonground_layer(data: Mapping[str, Any] | None) -> str | None:
    """The Common Ground layer of the legacy Dutch ``nl:`` section, if it names one."""
    if not isinstance(data, Mapping):
        return None
    nl = data.get("nl")
    commonground = nl.get("commonground") if isinstance(nl, Mapping) else None
    layer = commonground.get("layerType") if isinstance(commonground, Mapping) else None
    if isinstance(layer, str) and layer.strip().lower() in LAYERS:
        return layer.strip().lower()
    return None


def commonground_installation(data: Mapping[str, Any] | None) -> str | None:
    """The ``installationType`` of the legacy ``nl.commonground`` section, if it names one."""
    if not isinstance(data, Mapping):
        return None
    nl = data.get("nl")
    commonground = nl.get("commonground") if isinstance(nl, Mapping) else None
    value = commonground.get("installationType") if isinstance(commonground, Mapping) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def descriptions(data: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The ``description`` section per language tag, only the mappings."""
    section = data.get("description") if isinstance(data, Mapping) else None
    if not isinstance(section, Mapping):
        return {}
    return {str(lang): dict(text) for lang, text in section.items() if isinstance(text, Mapping)}


def catalogue_fields(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the catalogue stores of a publiccode.yml for pages and search."""
    if not isinstance(data, Mapping):
        return {}
    texts = descriptions(data)
    return {
        "name": data.get("name") if isinstance(data.get("name"), str) else None,
        "descriptions": {
            lang: {
                key: text.get(key)
                for key in ("shortDescription", "longDescription", "features", "screenshots", "genericName")
                if text.get(key) is not None
            }
            for lang, text in texts.items()
        },
        "maintenance": data.get("maintenance") if isinstance(data.get("maintenance"), Mapping) else None,
        "legal": data.get("legal") if isinstance(data.get("legal"), Mapping) else None,
        "url": data.get("url") if isinstance(data.get("url"), str) else None,
        "logo": data.get("logo") if isinstance(data.get("logo"), str) else None,
        "developmentStatus": data.get("developmentStatus"),
        # From the legacy Dutch section: how the app is installed (helm, kubernetes, ...).
        "installationType": commonground_installation(data),
    }


def search_text(data: Mapping[str, Any] | None) -> str:
    """All descriptive text, for full-text search."""
    parts: list[str] = []
    for text in descriptions(data).values():
        for key in ("genericName", "shortDescription", "longDescription"):
            if isinstance(text.get(key), str):
                parts.append(text[key])
        features = text.get("features")
        if isinstance(features, list):
            parts.extend(str(f) for f in features)
    return "\n".join(parts)
