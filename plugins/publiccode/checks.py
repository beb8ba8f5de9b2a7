"""Small rule helpers shared by the rule modules: required keys, enumerations, formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from plugins.publiccode.report import Report
from plugins.publiccode.schema import join


def require(report: Report, section: Mapping[str, Any], name: str, path: str) -> Any:
    """The value of a required key, or ``None`` after reporting it missing (or empty)."""
    value = section.get(name)
    if value is None or value == "":
        report.required(join(path, name))
        return None
    return value


def require_items(report: Report, section: Mapping[str, Any], name: str, path: str) -> list[Any]:
    """A list that must have at least one item."""
    value = section.get(name)
    if not value:
        report.not_empty(join(path, name))
        return []
    return value


def enum(report: Report, value: Any, choices: tuple[str, ...], key: str) -> None:
    if isinstance(value, str) and value not in choices:
        name = key.rsplit(".", 1)[-1]
        report.error("invalid-value", key, name=name, allowed=list(choices), value=value)


def each(
    report: Report,
    values: Iterable[Any],
    path: str,
    valid: Callable[[str], bool],
    code: str,
    case: str = "",
    **extra: Any,
) -> None:
    """Check every item of a list: ``<name>[i] must be ...`` (``case``: which wording of
    ``code``; ``extra``: more data for it, such as the documentation to see)."""
    name = path.rsplit(".", 1)[-1]
    for i, value in enumerate(values):
        if isinstance(value, str) and not valid(value):
            report.error(code, f"{path}[{i}]", name=f"{name}[{i}]", value=value, **_case(case), **extra)


def check(report: Report, value: Any, key: str, valid: Callable[[str], bool], code: str, case: str = "") -> None:
    """Check one optional value: ``<name> must be ...`` (``case``: which wording of ``code``)."""
    if isinstance(value, str) and not valid(value):
        report.error(code, key, name=key.rsplit(".", 1)[-1], value=value, **_case(case))


def _case(case: str) -> dict[str, str]:
    return {"case": case} if case else {}


#: Wordings of publiccode.invalid-url: an HTTP URL (the default) or any URL.
HTTP_URL = ""
URL = "any-url"
