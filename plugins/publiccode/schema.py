"""The shape of a publiccode.yml (v0) and the decoder that checks nodes against it.

Decoding mirrors the reference checker: scalars of any type fill a string field,
only ``true``/``false`` fill a boolean, unknown keys are errors, and a top-level
section with any such error is ignored by the later rules (as the reference checker
leaves it empty), so its required keys are reported missing too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plugins.publiccode.document import (
    MAX_DEPTH,
    MAX_NODES,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    describe,
    mapping_items,
    scalar_kind,
)
from plugins.publiccode.report import Report


@dataclass(frozen=True)
class Text:
    """A string; numbers, dates and booleans are taken as their text."""

    expected: str = "string"


@dataclass(frozen=True)
class Flag:
    """A boolean: only ``true`` or ``false`` (YAML 1.2), never ``yes``/``no`` or quoted."""

    expected: str = "boolean"


@dataclass(frozen=True)
class TextOrList:
    """One string, or a list of strings (``isBasedOn``); decoded to a list."""

    expected: str = "string-or-list"


@dataclass(frozen=True)
class ListOf:
    item: FieldType
    expected: str = "list"


@dataclass(frozen=True)
class MapOf:
    """A mapping with free keys (language tags) and values of one type."""

    value: FieldType
    expected: str = "mapping"


@dataclass(frozen=True)
class Section:
    """A mapping with a fixed set of keys; any other key is an error."""

    fields: Mapping[str, FieldType] = field(default_factory=dict)
    expected: str = "mapping"


FieldType = Text | Flag | TextOrList | ListOf | MapOf | Section

TEXT = Text()
FLAG = Flag()
TEXTS = ListOf(TEXT, expected="list-of-strings")

ORGANISATION = Section({"name": TEXT, "uri": TEXT})
CONTRACTOR = Section({"name": TEXT, "email": TEXT, "website": TEXT, "until": TEXT})
CONTACT = Section({"name": TEXT, "email": TEXT, "affiliation": TEXT, "phone": TEXT})
DEPENDENCY = Section(
    {
        "name": TEXT,
        "versionMin": TEXT,
        "versionMax": TEXT,
        "optional": FLAG,
        "version": TEXT,
    }
)
DESCRIPTION = Section(
    {
        "localisedName": TEXT,
        "genericName": TEXT,
        "shortDescription": TEXT,
        "longDescription": TEXT,
        "documentation": TEXT,
        "apiDocumentation": TEXT,
        "features": TEXTS,
        "screenshots": TEXTS,
        "videos": TEXTS,
        "awards": TEXTS,
    }
)
IT_SECTION = Section(
    {
        "countryExtensionVersion": TEXT,
        "conforme": Section(
            {
                "lineeGuidaDesign": FLAG,
                "modelloInteroperabilita": FLAG,
                "misureMinimeSicurezza": FLAG,
                "gdpr": FLAG,
            }
        ),
        "riuso": Section({"codiceIPA": TEXT}),
        "piattaforme": Section({"spid": FLAG, "pagopa": FLAG, "cie": FLAG, "anpr": FLAG, "io": FLAG}),
    }
)

PUBLICCODE_V0 = Section(
    {
        "publiccodeYmlVersion": TEXT,
        "name": TEXT,
        "applicationSuite": TEXT,
        "url": TEXT,
        "landingURL": TEXT,
        "isBasedOn": TextOrList(),
        "softwareVersion": TEXT,
        "releaseDate": TEXT,
        "logo": TEXT,
        "monochromeLogo": TEXT,
        "organisation": ORGANISATION,
        "inputTypes": TEXTS,
        "outputTypes": TEXTS,
        "platforms": TEXTS,
        "categories": TEXTS,
        "usedBy": TEXTS,
        "fundedBy": ListOf(ORGANISATION),
        "roadmap": TEXT,
        "developmentStatus": TEXT,
        "softwareType": TEXT,
        "supports": ListOf(Section({"id": TEXT})),
        "intendedAudience": Section({"scope": TEXTS, "countries": TEXTS, "unsupportedCountries": TEXTS}),
        "description": MapOf(DESCRIPTION),
        "legal": Section(
            {
                "license": TEXT,
                "mainCopyrightOwner": TEXT,
                "repoOwner": TEXT,
                "authorsFile": TEXT,
            }
        ),
        "maintenance": Section(
            {
                "type": TEXT,
                "contractors": ListOf(CONTRACTOR),
                "contacts": ListOf(CONTACT),
            }
        ),
        "localisation": Section({"localisationReady": FLAG, "availableLanguages": TEXTS}),
        "dependsOn": Section(
            {
                "open": ListOf(DEPENDENCY),
                "proprietary": ListOf(DEPENDENCY),
                "hardware": ListOf(DEPENDENCY),
            }
        ),
        "IT": IT_SECTION,
        "it": IT_SECTION,
    }
)

#: Words YAML 1.1 took for booleans; YAML 1.2 (and the standard) reads them as text.
YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})

#: Top-level keys that are not part of the standard but are reported elsewhere as warnings.
TOLERATED_KEYS = frozenset({"nl"})


def join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


class Decoder:
    """Turns nodes into plain values, reporting type errors, unknown and duplicate keys."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.visited = 0
        self.failed = False  # set by every error, read per top-level section

    def document(self, root: MappingNode) -> tuple[dict[str, Any], set[str]]:
        """The decoded document, and the top-level keys whose value had errors."""
        values: dict[str, Any] = {}
        broken: set[str] = set()
        seen: set[str] = set()
        for key_node, value_node in mapping_items(root):
            key = str(key_node.value)
            if key in seen:
                self._error("duplicate-key", key, path=key)
                broken.add(key)
                continue
            seen.add(key)
            if key in TOLERATED_KEYS:
                continue
            kind = PUBLICCODE_V0.fields.get(key)
            if kind is None:
                self._unknown(key)
                continue
            self.failed = False
            value = self.value(value_node, kind, key, 1)
            if self.failed:
                broken.add(key)
            elif value is not None:
                values[key] = value
        return values, broken

    def value(self, node: Node, kind: FieldType, path: str, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES or depth > MAX_DEPTH:
            if self.visited == MAX_NODES + 1 or depth == MAX_DEPTH + 1:
                self._error("too-complex", path)
            return None
        if isinstance(node, ScalarNode) and scalar_kind(node) == "null":
            return None  # an empty value counts as absent, as in the reference checker
        if isinstance(kind, Text):
            return node.value if isinstance(node, ScalarNode) else self._wrong(node, kind, path)
        if isinstance(kind, Flag):
            if isinstance(node, ScalarNode) and scalar_kind(node) == "bool":
                return node.value.lower() == "true"
            return self._wrong(node, kind, path)
        if isinstance(kind, TextOrList):
            if isinstance(node, ScalarNode):
                return [node.value]
            return self.value(node, TEXTS, path, depth)
        if isinstance(kind, ListOf):
            if not isinstance(node, SequenceNode):
                return self._wrong(node, kind, path)
            items = [
                self.value(item, kind.item, join(path, i), depth + 1) for i, item in enumerate(node.value)
            ]
            return [item for item in items if item is not None]
        if not isinstance(node, MappingNode):
            return self._wrong(node, kind, path)
        return self._mapping(node, kind, path, depth)

    def _mapping(self, node: MappingNode, kind: MapOf | Section, path: str, depth: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in mapping_items(node):
            key = str(key_node.value)
            where = join(path, key)
            if key in seen:
                self._error("duplicate-key", where, path=where)
                continue
            seen.add(key)
            inner = kind.value if isinstance(kind, MapOf) else kind.fields.get(key)
            if inner is None:
                self._unknown(where)
                continue
            value = self.value(value_node, inner, where, depth + 1)
            if value is None and isinstance(kind, MapOf) and isinstance(inner, Section):
                value = {}  # `en:` with nothing under it is a language with every key missing
            if value is not None:
                values[key] = value
        return values

    def _wrong(self, node: Node, kind: FieldType, path: str) -> None:
        hint: dict[str, str] = {}
        if isinstance(kind, Flag) and isinstance(node, ScalarNode) and node.value.lower() in YAML11_BOOLEANS:
            hint = {"case": "yaml11-boolean", "value": node.value}
        self._error("wrong-type", path, path=path, expected=kind.expected, actual=describe(node), **hint)
        return None

    def _unknown(self, path: str) -> None:
        self._error("unknown-key", path, name=path.rsplit(".", 1)[-1], path=path)

    def _error(self, code: str, where: str, /, **data: Any) -> None:
        self.failed = True
        self.report.error(code, where, **data)
