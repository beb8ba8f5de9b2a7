"""The registry's error root. Every error renders as problem+json (RFC 9457); the kinds
(slug, status, title) come from ``sdk.problems``, which the API client reads too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import problems as kinds
from sdk.findings import Finding
from sdk.problems import InvalidParam, ProblemKind
from sdk.verdicts import Verdict


class RegistryError(Exception):
    """An error the client can act on: ``detail`` says what to do."""

    kind: ProblemKind = kinds.BAD_REQUEST
    status, title, slug = kind.status, kind.title, kind.slug

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            cls.status, cls.title, cls.slug = cls.kind.status, cls.kind.title, cls.kind.slug

    #: A refused release's verdict per platform profile, for the pages (never in the problem document).
    verdicts: tuple[Verdict, ...] = ()

    def __init__(self, detail: str, *, findings: list[Finding] | None = None, param: str | None = None,
                 page_code: str | None = None, page_data: Mapping[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.findings = findings
        self.param = param  # the input the problem is about, for a 400's invalidParams
        self.extra = extra
        # ``detail`` is English for developers; a page words the error from its code and data.
        self.page_code = page_code
        self.page_data = dict(page_data or {})

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": kinds.PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.findings is not None:
            body["findings"] = [f.to_dict() for f in self.findings]
        body.update(self.extra)
        if self.status == 400 and "invalidParams" not in body:
            # Every 400 has one shape, also when a service finds the problem after parsing.
            body["invalidParams"] = [InvalidParam(self.param or "body", "invalid", self.detail).to_dict()]
        return body


class InvalidInput(RegistryError):
    """The request's body or query parameters are not what the operation takes;
    ``invalidParams`` names every problem at once."""

    kind = kinds.INVALID_PARAMS
    #: How many problems ``detail`` spells out; ``invalidParams`` has them all.
    IN_DETAIL = 5

    def __init__(self, problems: list[InvalidParam]) -> None:
        named = "; ".join(f"`{p.name}`: {p.reason}" for p in problems[: self.IN_DETAIL])
        more = " ..." if len(problems) > self.IN_DETAIL else ""
        super().__init__(
            f"The request has {len(problems)} problem(s): {named}{more}",
            invalidParams=[p.to_dict() for p in problems])
        self.invalid_params = problems


class Unauthorized(RegistryError):
    kind = kinds.UNAUTHORIZED


class Forbidden(RegistryError):
    kind = kinds.FORBIDDEN


class NotFound(RegistryError):
    kind = kinds.NOT_FOUND


class Conflict(RegistryError):
    kind = kinds.CONFLICT


class PayloadTooLarge(RegistryError):
    kind = kinds.PAYLOAD_TOO_LARGE


class VerificationFailed(RegistryError):
    kind = kinds.VERIFICATION_FAILED


class MalformedInput(RegistryError):
    """Input no view can use: NUL, unpaired surrogates, nesting beyond the limit; ``name`` says
    where (a query parameter, a form field, a header, ``path``, ``body`` or a dot path into it)."""

    kind = kinds.MALFORMED_INPUT

    def __init__(self, detail: str, *, name: str = "body", page_code: str | None = None) -> None:
        super().__init__(detail, page_code=page_code,
                         invalidParams=[InvalidParam(name, "malformed", detail).to_dict()])


class StorageFull(RegistryError):
    """The disk (or quota) of the artifact store or database is full."""

    kind = kinds.STORAGE_FULL


class Unavailable(RegistryError):
    """A service the registry depends on (the artifact store, the database) cannot be
    reached; nothing was changed, and the same request may succeed in ``retry_after`` seconds."""

    kind = kinds.UNAVAILABLE
    retry_after = 10


class StorageUnavailable(Unavailable):
    """The artifact store does not answer (refused, timed out, or says it is unavailable)."""


class DatabaseUnavailable(Unavailable):
    """The database does not answer or dropped the connection (a restart, a failover)."""


class ConfigurationError(Exception):
    """A setting the registry cannot start with; the message names the setting and says what to give.

    Not a ``RegistryError``: it stops the app factory, it is never an answer to a request."""
