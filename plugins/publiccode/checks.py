"""Small rule helpers shared by the rule modules: required keys, enumerations, formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from plugins.publiccode.report import Report
from plugins.publiccode.schema import join


def one_of_text(choices: Iterable[str]) -> str:
    """``"a", "b" or "c"`` as the reference checker words an enumeration."""
    quoted = [f'"{c}"' for c in choices]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


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
        report.error(
            "invalid-value",
            key,
            f"{name} must be one of the following: {one_of_text(choices)}; `{value}` is not one of them.",
        )


def each(
    report: Report,
    values: Iterable[Any],
    path: str,
    valid: Callable[[str], bool],
    code: str,
    what: str,
) -> None:
    """Check every item of a list: ``<name>[i] must be <what>``."""
    name = path.rsplit(".", 1)[-1]
    for i, value in enumerate(values):
        if isinstance(value, str) and not valid(value):
            report.error(code, f"{path}[{i}]", f"{name}[{i}] {what}; `{value}` is not.")


def check(report: Report, value: Any, key: str, valid: Callable[[str], bool], code: str, what: str) -> None:
    """Check one optional value: ``<name> must be <what>``."""
    if isinstance(value, str) and not valid(value):
        name = key.rsplit(".", 1)[-1]
        report.error(code, key, f"{name} {what}; `{value}` is not.")


HTTP_URL = "must be an HTTP URL (http:// or https:// with a host)"
URL = "must be a valid URL, with a scheme such as https://"
DATE = "must be a date with format 'YYYY-MM-DD'"
