"""Reading a Containerfile into stages and instructions, as the image builder does.

Only what the contract tests need: comments and blank lines dropped, lines
joined at a trailing backslash, each instruction as (keyword, arguments).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    """One ``FROM`` and the instructions that follow it."""

    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arguments for word, arguments in self.instructions if word == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def exec_form(self, keyword: str) -> list[str] | None:
        """``ENTRYPOINT``/``CMD`` in exec (JSON) form; ``None`` when absent or in shell form."""
        arguments = self.last(keyword)
        try:
            value = json.loads(arguments) if arguments else None
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, list) else None


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of each instruction, continuation lines joined."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        found.append((keyword.upper(), arguments.strip()))
        pending = ""
    return found


def stages(path: Path) -> list[Stage]:
    result: list[Stage] = []
    for keyword, arguments in instructions(path.read_text(encoding="utf-8")):
        if keyword == "FROM":
            words = arguments.split()
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], name))
        elif result:
            result[-1].instructions.append((keyword, arguments))
    return result
