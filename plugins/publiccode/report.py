"""Collecting findings about one publiccode.yml, with codes prefixed ``publiccode.``."""

from __future__ import annotations

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

    def error(self, code: str, key: str, message: str) -> None:
        self.findings.append(Finding.error(CODE_PREFIX + code, message, key))

    def warning(self, code: str, key: str, message: str) -> None:
        self.findings.append(Finding.warning(CODE_PREFIX + code, message, key))

    def info(self, code: str, key: str, message: str) -> None:
        self.findings.append(Finding.info(CODE_PREFIX + code, message, key))

    def required(self, key: str, condition: str = "") -> None:
        """A key that must be present (``condition`` says when, e.g. 'when "type" is "contract"')."""
        name = key.rsplit(".", 1)[-1]
        section = key.split(".", 1)[0].split("[", 1)[0]
        when = f" {condition}" if condition else ""
        if section in self.ignored:
            message = (
                f"{name} is a required field{when}: `{section}` could not be read because of "
                f"the error above, so `{key}` counts as missing. Fix that error first."
            )
        else:
            message = f"{name} is a required field{when}: add `{key}`."
        self.error("required", key, message)

    def not_empty(self, key: str) -> None:
        name = key.rsplit(".", 1)[-1]
        section = key.split(".", 1)[0].split("[", 1)[0]
        hint = (
            f" (`{section}` could not be read because of the error above)" if section in self.ignored else ""
        )
        self.error("empty", key, f"{name} must contain more than 0 items{hint}: add at least one.")
