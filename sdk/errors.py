"""The SDK's error root: every error a user can act on derives from it."""

from __future__ import annotations

from sdk.findings import Finding


class AppstoreError(Exception):
    """An error with a message that says what happened and what to do."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class PackageRejected(AppstoreError):
    """The package cannot be opened or verified; ``findings`` say why, all at once."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings
