"""Rendering ``${name}`` placeholders in deploy/ files with config values.

Placeholders are replaced in the text, before YAML is parsed, as envsubst
does: the same rendering serves verification (with each value's default or
example) and install bundles (with a municipality's real values). A value
lands as written, so ``replicas: ${replicas}`` becomes a number and
``host: "${hostname}"`` stays text. ``$${name}`` writes a literal ``${name}``,
for shell scripts in ConfigMaps.

Package text is hostile input: the scanner takes linear time whatever the
text (``${${${...`` included), and line numbers are counted as it goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sdk.findings import Finding

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")


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
    pieces: list[str] = []
    done = 0
    line, counted = 1, 0
    for start, end, escaped, name in placeholders(text):
        pieces.append(text[done:start])
        done = end
        if escaped:
            pieces.append(text[start + 1:end])
            continue
        line += text.count("\n", counted, start)
        counted = start
        if not NAME.match(name):
            invalid.append(Placeholder(name, line))
        elif name not in values:
            undeclared.append(Placeholder(name, line))
        elif values[name] is None:
            unfilled.append(Placeholder(name, line))
        else:
            pieces.append(str(values[name]))
            continue
        pieces.append(text[start:end])
    pieces.append(text[done:])
    return Rendered("".join(pieces), tuple(undeclared), tuple(unfilled), tuple(invalid))


def placeholders(text: str) -> Iterator[tuple[int, int, bool, str]]:
    """``(start, end, escaped, name)`` of each ``${name}`` or ``$${name}``, left to right.

    A placeholder closes with the first ``}`` on its line. Each character is
    looked at a bounded number of times: when no ``}`` closes a ``${`` before
    the line ends, no later ``${`` on that line can close either.
    """
    position, line_end = 0, -1
    while (opening := text.find("${", position)) >= 0:
        if opening > line_end:
            line_end = text.find("\n", opening)
            line_end = len(text) if line_end < 0 else line_end
        closing = text.find("}", opening + 2, line_end)
        if closing < 0:
            position = line_end
            continue
        escaped = opening > position and text[opening - 1] == "$"
        yield opening - escaped, closing + 1, escaped, text[opening + 2:closing]
        position = closing + 1


def render_findings(path: str, rendered: Rendered) -> list[Finding]:
    """What an author must fix so that ``path`` renders; keyed by the file."""
    def data(p: Placeholder) -> dict[str, str | int]:
        return {"path": path, "line": p.line, "name": _shown(p.name)}

    findings = [Finding.error("render.undeclared", key=path, data=data(p)) for p in rendered.undeclared]
    findings += [Finding.error("render.invalid-placeholder", key=path, data=data(p)) for p in rendered.invalid]
    findings += [Finding.warning("render.no-sample", key=path, data=data(p)) for p in rendered.unfilled]
    return findings


def _shown(name: str, limit: int = 60) -> str:
    """A placeholder's text as a message quotes it: a whole line of junk is cut short."""
    return name if len(name) <= limit else name[:limit] + "..."
