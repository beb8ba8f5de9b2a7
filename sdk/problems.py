"""The kinds of problem the registry's API answers with (RFC 9457 problem+json).

Named once, here, so that the server raises and the client recognises the same
kinds: each has a stable slug (the last part of the problem's ``type``), an HTTP
status and a title. Importable without Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROBLEM_TYPE_BASE = "https://appstore.gemeente.example/problems/"


@dataclass(frozen=True)
class ProblemKind:
    slug: str
    status: int
    title: str

    @property
    def type(self) -> str:
        return PROBLEM_TYPE_BASE + self.slug


BAD_REQUEST = ProblemKind("bad-request", 400, "Bad request")
INVALID_PARAMS = ProblemKind("invalid-params", 400, "Invalid input")
MALFORMED_INPUT = ProblemKind("malformed-input", 400, "Malformed input")
UNAUTHORIZED = ProblemKind("unauthorized", 401, "Authentication required")
FORBIDDEN = ProblemKind("forbidden", 403, "Not allowed")
NOT_FOUND = ProblemKind("not-found", 404, "Not found")
CONFLICT = ProblemKind("conflict", 409, "Conflict")
PAYLOAD_TOO_LARGE = ProblemKind("payload-too-large", 413, "Package too large")
VERIFICATION_FAILED = ProblemKind("verification-failed", 422, "Verification failed")
INTERNAL_ERROR = ProblemKind("internal-error", 500, "Internal server error")
STORAGE_FULL = ProblemKind("storage-full", 507, "Insufficient storage")
UNAVAILABLE = ProblemKind("unavailable", 503, "Service unavailable")

KINDS: tuple[ProblemKind, ...] = (
    BAD_REQUEST, INVALID_PARAMS, MALFORMED_INPUT, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT,
    PAYLOAD_TOO_LARGE, VERIFICATION_FAILED, INTERNAL_ERROR, STORAGE_FULL, UNAVAILABLE,
)
_BY_SLUG = {kind.slug: kind for kind in KINDS}


@dataclass(frozen=True)
class InvalidParam:
    """One problem with one input: ``name`` is a dot path into the body (``pricing.model``,
    ``hosting[0]``) or a query parameter; ``code`` is stable, ``reason`` says what to do."""

    name: str
    code: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Any) -> InvalidParam:
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("name", "")), str(data.get("code", "")), str(data.get("reason", "")))


def kind_of(problem: dict[str, Any], status: int) -> ProblemKind | None:
    """The kind a problem+json body names in its ``type``, else the first kind with its status."""
    slug = str(problem.get("type") or "").removeprefix(PROBLEM_TYPE_BASE)
    if slug in _BY_SLUG:
        return _BY_SLUG[slug]
    return next((kind for kind in KINDS if kind.status == status), None)
