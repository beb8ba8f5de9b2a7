"""The Finding: one thing a verification check has to say about a release."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any


class Severity(enum.StrEnum):
    """How much a finding matters: any error rejects a release."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """A single result of a check.

    ``code`` is a stable slug (``archive.path-traversal``); ``message`` tells the
    author what to do; ``key`` points at the place: a dot path into the manifest
    (arrays as ``[i]``) or a path inside the archive. ``plugin`` is stamped by the
    verification runner, so checks need not set it.
    """

    code: str
    severity: Severity
    message: str
    key: str = ""
    plugin: str = ""

    @classmethod
    def error(cls, code: str, message: str, key: str = "") -> Finding:
        return cls(code, Severity.ERROR, message, key)

    @classmethod
    def warning(cls, code: str, message: str, key: str = "") -> Finding:
        return cls(code, Severity.WARNING, message, key)

    @classmethod
    def info(cls, code: str, message: str, key: str = "") -> Finding:
        return cls(code, Severity.INFO, message, key)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def stamped(self, plugin: str) -> Finding:
        """The same finding, attributed to ``plugin`` unless it already is."""
        return self if self.plugin else replace(self, plugin=plugin)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            code=str(data["code"]),
            severity=Severity(data["severity"]),
            message=str(data["message"]),
            key=str(data.get("key") or ""),
            plugin=str(data.get("plugin") or ""),
        )


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Distinct findings, errors first, then by place, so output is stable and readable."""
    distinct = dict.fromkeys(findings)  # the same finding twice says nothing new
    return sorted(distinct, key=lambda f: (SEVERITY_ORDER[f.severity], f.key, f.code))


def join_key(prefix: str, part: str | int) -> str:
    """Extend a dot path: ``join_key("requires.apps", 0) == "requires.apps[0]"``."""
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part
