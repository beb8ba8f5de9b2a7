"""The registry's error root. Every error renders as problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

from sdk.findings import Finding


class RegistryError(Exception):
    """An error the client can act on: ``detail`` says what to do."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, *, findings: list[Finding] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.findings = findings
        self.extra = extra

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://appstore.gemeente.example/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.findings is not None:
            body["findings"] = [f.to_dict() for f in self.findings]
        body.update(self.extra)
        return body


class Unauthorized(RegistryError):
    status, title, slug = 401, "Authentication required", "unauthorized"


class Forbidden(RegistryError):
    status, title, slug = 403, "Not allowed", "forbidden"


class NotFound(RegistryError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(RegistryError):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(RegistryError):
    status, title, slug = 413, "Package too large", "payload-too-large"


class VerificationFailed(RegistryError):
    status, title, slug = 422, "Verification failed", "verification-failed"


class MalformedInput(RegistryError):
    """Input no view can use: NUL, unpaired surrogates, nesting beyond the limit."""

    status, title, slug = 400, "Malformed input", "malformed-input"


class StorageFull(RegistryError):
    """The disk (or quota) of the artifact store or database is full."""

    status, title, slug = 507, "Insufficient storage", "storage-full"


class ConfigurationError(Exception):
    """A setting the registry cannot start with; the message names the setting and says what to give.

    Not a ``RegistryError``: it stops the app factory, it is never an answer to a request."""
