"""The Finding: one thing a verification check has to say about a release."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

#: The values a finding's message is made from: JSON scalars and lists of them.
FindingData = Mapping[str, Any]
_NO_DATA: FindingData = MappingProxyType({})


class Severity(enum.StrEnum):
    """How much a finding matters: any error rejects a release."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Kind(enum.StrEnum):
    """What a platform finding says about a release on one profile.

    ``runs``: whether the cluster can run it at all; ``policy``: whether it
    meets the rules the profile enforces; ``advice``: the rest. Findings about
    the package itself have no kind.
    """

    RUNS = "runs"
    POLICY = "policy"
    ADVICE = "advice"


@dataclass(frozen=True, slots=True)
class Finding:
    """A single result of a check.

    ``code`` is a stable slug (``archive.path-traversal``); ``message`` tells the
    author what to do; ``key`` points at the place: a dot path into the manifest
    (arrays as ``[i]``) or a path inside the archive. ``plugin`` is stamped by the
    verification runner, so checks need not set it.

    ``kind`` is set on platform findings by the verification runner (``Kind``).
    ``data`` holds the values a reader or program needs (object kind and name,
    field, versions, expected and actual values). When the message catalogues
    (``sdk.messages``) know the code, the message is rendered from code and data,
    in English here and in the reader's language on the web; a finding made
    without a message gets the English one from the catalogue.
    """

    code: str
    severity: Severity
    message: str
    key: str = ""
    plugin: str = ""
    kind: Kind | None = None
    # Not part of equality: the message already says what the data says.
    data: FindingData = field(default_factory=lambda: _NO_DATA, compare=False)

    def __post_init__(self) -> None:
        if self.data is not _NO_DATA:
            # A copy behind a read-only view: a plugin cannot change data it handed over.
            object.__setattr__(self, "data", MappingProxyType(dict(self.data)))
        if not self.message:
            from sdk.messages import render  # the catalogues import nothing from here

            object.__setattr__(self, "message", render(self.code, self.data) or self.code)

    @classmethod
    def error(cls, code: str, message: str = "", key: str = "", *, data: FindingData | None = None) -> Finding:
        return cls(code, Severity.ERROR, message, key, data=data or _NO_DATA)

    @classmethod
    def warning(cls, code: str, message: str = "", key: str = "", *, data: FindingData | None = None) -> Finding:
        return cls(code, Severity.WARNING, message, key, data=data or _NO_DATA)

    @classmethod
    def info(cls, code: str, message: str = "", key: str = "", *, data: FindingData | None = None) -> Finding:
        return cls(code, Severity.INFO, message, key, data=data or _NO_DATA)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def stamped(self, plugin: str) -> Finding:
        """The same finding, attributed to ``plugin`` unless it already is."""
        return self if self.plugin else replace(self, plugin=plugin)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message,
                "key": self.key, "plugin": self.plugin, "kind": self.kind.value if self.kind else None,
                "data": dict(self.data)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        values = data.get("data")
        return cls(
            code=str(data["code"]),
            severity=Severity(data["severity"]),
            message=str(data.get("message") or ""),
            key=str(data.get("key") or ""),
            plugin=str(data.get("plugin") or ""),
            kind=Kind(data["kind"]) if data.get("kind") in tuple(Kind) else None,
            data=values if isinstance(values, dict) else _NO_DATA,
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
