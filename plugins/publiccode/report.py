"""Collecting findings about one publiccode.yml, with codes prefixed ``publiccode.``.

A finding is a code and its data; the words come from the message catalogues
(``sdk/data/messages``), where ``case`` in the data chooses among a code's
wordings.
"""

from __future__ import annotations

from typing import Any

from sdk.findings import Finding

CODE_PREFIX = "publiccode."


class Report:
    """The findings of one run, in the order they were found.

    ``ignored`` holds top-level sections that failed to decode: rules that report a
    missing key inside them say so, since the author may well have written it.
    """

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.ignored: set[str] = set()

    def error(self, code: str, key: str, /, **data: Any) -> None:
        self.findings.append(Finding.error(CODE_PREFIX + code, key=key, data=data))

    def warning(self, code: str, key: str, /, **data: Any) -> None:
        self.findings.append(Finding.warning(CODE_PREFIX + code, key=key, data=data))

    def info(self, code: str, key: str, /, **data: Any) -> None:
        self.findings.append(Finding.info(CODE_PREFIX + code, key=key, data=data))

    def required(self, key: str, when_type: str = "") -> None:
        """A key that must be present (``when_type``: only when maintenance type is that)."""
        case = ("ignored" if self._in_ignored(key) else "") + ("-when-type" if when_type else "")
        self.error("required", key, **self._where(key), **({"case": case.strip("-")} if case else {}),
                   **({"whenType": when_type} if when_type else {}))

    def not_empty(self, key: str) -> None:
        case = {"case": "ignored"} if self._in_ignored(key) else {}
        self.error("empty", key, **self._where(key), **case)

    def _in_ignored(self, key: str) -> bool:
        return self._where(key)["section"] in self.ignored

    @staticmethod
    def _where(key: str) -> dict[str, str]:
        """The key's own name, its top-level section and its full path, as data."""
        return {"name": key.rsplit(".", 1)[-1], "section": key.split(".", 1)[0].split("[", 1)[0],
                "path": key}
