"""Every hook is documented in docs/plugins.md with its real signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from sdk import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("appstore_"))


def documented() -> dict[str, list[str]]:
    headings = re.findall(r"^### (appstore_\w+)\(([^)]*)\)", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    return {name: [a.strip() for a in args.split(",") if a.strip()] for name, args in headings}


def test_there_are_hooks_to_document() -> None:
    assert len(HOOKS) >= 7


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_arguments(hook: str) -> None:
    spec = getattr(hookspecs, hook)
    assert spec.__doc__ and spec.__doc__.strip(), f"{hook} has no docstring"
    assert documented().get(hook) == list(inspect.signature(spec).parameters), (
        f"docs/plugins.md must have a heading `### {hook}(...)` with the hook's arguments"
    )


def test_docs_name_no_hook_that_does_not_exist() -> None:
    assert set(documented()) <= set(HOOKS)
