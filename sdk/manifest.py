"""The app manifest, ``appstore.yaml`` (manifest version 1).

The schema rules live in the ``manifest_schema`` plugin; this module holds the
vocabulary they share with the rest of the SDK and the typed view the
registry stores once a manifest has passed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from sdk.findings import Finding
from sdk.package import MANIFEST_PATH
from sdk.yamldoc import load_yaml

MANIFEST_VERSION = 1
SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
APP_ID_LENGTH = (3, 64)
MAX_SUMMARY = 150
MAX_NAME = 100
LAYERS = ("interaction", "process", "integration", "service", "data")
STORAGE_ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
PROPRIETARY_LICENCE = "LicenseRef-Proprietary"


def is_slug(value: object, lengths: tuple[int, int] = APP_ID_LENGTH) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and lengths[0] <= len(value) <= lengths[1]
        and SLUG_PATTERN.fullmatch(value) is not None  # match() with `$` lets "open-zaak\n" through
    )


def load_manifest(files: Mapping[str, bytes]) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Parse the manifest of a package's files; problems come back as findings."""
    raw = files.get(MANIFEST_PATH)
    if raw is None:
        return None, [Finding.error("manifest.missing", key=MANIFEST_PATH).stamped("manifest")]
    # Past a repeated key the manifest is still read: its other mistakes show at the same time.
    data, findings = load_yaml(raw, MANIFEST_PATH, read_past_duplicates=True)
    stamped = [f.stamped("manifest") for f in findings]
    if data is None and findings:
        return None, stamped
    if not isinstance(data, dict):
        return None, [Finding.error("manifest.not-a-mapping", key=MANIFEST_PATH).stamped("manifest")]
    return data, stamped


@dataclass(frozen=True)
class ConfigValue:
    """A value a municipality supplies at install time."""

    name: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""
    helm_value: str = ""  # the chart's values path this value sets, e.g. ingress.hosts[0].host
    secret: bool = False  # environments hold a reference to a Kubernetes Secret, never the value


@dataclass(frozen=True)
class Manifest:
    """A manifest that passed the schema, as the registry and SDK use it."""

    id: str
    version: str
    name: str
    summary: str
    publisher: str
    license: str
    layer: str | None  # the first of ``layers``
    categories: tuple[str, ...] = ()
    provides: tuple[dict[str, str], ...] = ()
    requires: Mapping[str, Any] = field(default_factory=dict)
    config: tuple[ConfigValue, ...] = ()
    layers: tuple[str, ...] = ()  # every Common Ground layer the app belongs to

    @property
    def is_proprietary(self) -> bool:
        from sdk.licences import names_proprietary  # it builds on this module's vocabulary

        return names_proprietary(self.license)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Manifest:
        """Build from a manifest that passed verification (no checks here)."""
        from sdk.requirements import layers_of  # it reads this module's manifests

        layers = layers_of(data)
        return cls(
            id=data["id"],
            version=data["version"],
            name=data["name"],
            summary=data["summary"],
            publisher=data["publisher"],
            license=data["license"],
            layer=layers[0] if layers else None,
            layers=layers,
            categories=tuple(data.get("categories") or ()),
            provides=tuple(dict(p) for p in data.get("provides") or ()),
            requires=dict(data.get("requires") or {}),
            config=tuple(
                ConfigValue(
                    name=c["name"],
                    required=bool(c.get("required", False)),
                    default=None if c.get("default") is None else str(c["default"]),
                    example=None if c.get("example") is None else str(c["example"]),
                    description=str(c.get("description") or ""),
                    helm_value=str(c.get("helmValue") or ""),
                    secret=c.get("secret") is True,
                )
                for c in data.get("config") or ()
            ),
        )
