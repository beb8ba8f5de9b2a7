"""The SDK's error root: every error a user can act on derives from it."""

from __future__ import annotations

from collections.abc import Mapping

from sdk.findings import Finding


class AppstoreError(Exception):
    """An error with a message that says what happened and what to do.

    An error with a ``code`` is worded by the message catalogues (``sdk.messages``)
    from the code and ``data``: ``message`` holds the English words, and the CLI
    shows the reader's language.
    """

    def __init__(self, message: str, *, hint: str = "", code: str = "",
                 data: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.data = dict(data or {})

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class PackageRejected(AppstoreError):
    """The package cannot be opened or verified; ``findings`` say why, all at once."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings
