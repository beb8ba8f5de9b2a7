"""Rendering ``${name}`` placeholders in deploy/ files with config values.

Placeholders are replaced in the text, before YAML is parsed, as envsubst
does: the same rendering serves verification (with each value's default or
example) and install bundles (with a municipality's real values). A value
lands as written, so ``replicas: ${replicas}`` becomes a number and
``host: "${hostname}"`` stays text. ``$${name}`` writes a literal ``${name}``,
for shell scripts in ConfigMaps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sdk.findings import Finding

#: ``$${...}`` (escaped) or ``${...}``; a placeholder never spans lines.
PLACEHOLDER = re.compile(r"\$(\$?)\{([^}\n]*)\}")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Placeholder:
    """A placeholder that could not be filled, and the line it is on (from 1)."""

    name: str
    line: int


@dataclass(frozen=True)
class Rendered:
    """Text with its placeholders filled, and those that could not be."""

    text: str
    undeclared: tuple[Placeholder, ...] = ()
    unfilled: tuple[Placeholder, ...] = ()  # declared, but no value to fill in
    invalid: tuple[Placeholder, ...] = ()  # not a valid name: ``${my-host}``

    @property
    def complete(self) -> bool:
        return not (self.undeclared or self.unfilled or self.invalid)


def sample_values(manifest: Mapping[str, Any] | None) -> dict[str, str | None]:
    """Each declared config value with its default, else its example, else ``None``."""
    values: dict[str, str | None] = {}
    for item in (manifest or {}).get("config") or ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue  # the manifest schema check reports malformed entries
        sample = item.get("default")
        if sample is None:
            sample = item.get("example")
        values[item["name"]] = None if sample is None else str(sample)
    return values


def render_text(text: str, values: Mapping[str, str | None]) -> Rendered:
    """Fill ``${name}`` from ``values``; unknown or empty ones stay as written."""
    if "${" not in text:  # most files have no placeholders: skip the scan
        return Rendered(text)
    undeclared: list[Placeholder] = []
    unfilled: list[Placeholder] = []
    invalid: list[Placeholder] = []

    def fill(match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:
            return match.group(0)[1:]
        line = text.count("\n", 0, match.start()) + 1
        if not NAME.match(name):
            invalid.append(Placeholder(name, line))
        elif name not in values:
            undeclared.append(Placeholder(name, line))
        elif values[name] is None:
            unfilled.append(Placeholder(name, line))
        else:
            return str(values[name])
        return match.group(0)

    rendered = PLACEHOLDER.sub(fill, text)
    return Rendered(rendered, tuple(undeclared), tuple(unfilled), tuple(invalid))


def render_findings(path: str, rendered: Rendered) -> list[Finding]:
    """What an author must fix so that ``path`` renders; keyed by the file."""
    findings = [
        Finding.error(
            "render.undeclared",
            f"{path} line {p.line}: ${{{p.name}}} is not a config value; declare `{p.name}` "
            "under `config` in appstore.yaml or correct the placeholder.",
            path,
        )
        for p in rendered.undeclared
    ]
    findings += [
        Finding.error(
            "render.invalid-placeholder",
            f"{path} line {p.line}: ${{{p.name}}} is not a valid placeholder; config names are "
            "letters, digits and underscores. Write $${...} for a literal ${...}.",
            path,
        )
        for p in rendered.invalid
    ]
    findings += [
        Finding.warning(
            "render.no-sample",
            f"{path} line {p.line}: config value `{p.name}` has no default or example, so "
            f"verification kept ${{{p.name}}} as written; give it an `example`.",
            path,
        )
        for p in rendered.unfilled
    ]
    return findings
