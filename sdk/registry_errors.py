"""What the API client raises when the registry answers with a problem.

The classes carry the names of the problem kinds in ``sdk.problems``, the same the
server raises (``Unauthorized``, ``Forbidden``, ``NotFound``, ``Conflict``,
``InvalidInput``, ...): one vocabulary on both sides. The client picks the class
from the problem's ``type``, else from the status.
"""

from __future__ import annotations

from typing import Any

import requests

from sdk import problems as kinds
from sdk.errors import AppstoreError, PackageRejected
from sdk.findings import Finding
from sdk.problems import InvalidParam, ProblemKind


class RegistryError(AppstoreError):
    """The registry answered with an error; ``problem`` holds its problem+json."""

    kind: ProblemKind | None = None

    def __init__(self, message: str, *, hint: str = "", status: int = 0,
                 problem: dict[str, Any] | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.problem = problem or {}

    @property
    def invalid_params(self) -> list[InvalidParam]:
        """Every problem with the request's input that the registry named (400)."""
        return [InvalidParam.from_dict(p) for p in self.problem.get("invalidParams") or []]


class RegistryUnreachable(RegistryError):
    """No answer from the registry, after every retry."""


class InvalidInput(RegistryError):
    """The request's body or parameters were refused (400); ``invalid_params`` names each problem."""

    kind = kinds.INVALID_PARAMS


class Unauthorized(RegistryError):
    """No token, or the registry refused it (401)."""

    kind = kinds.UNAUTHORIZED


class Forbidden(RegistryError):
    """The token's organisation may not do this (403)."""

    kind = kinds.FORBIDDEN


class NotFound(RegistryError):
    """No such app, release or other resource (404)."""

    kind = kinds.NOT_FOUND


class Conflict(RegistryError):
    """The request conflicts with what the registry holds (409)."""

    kind = kinds.CONFLICT


class VersionExists(Conflict):
    """Publishing: the version is taken by a release with other content (409)."""


class PayloadTooLarge(RegistryError):
    """The upload is larger than the registry takes (413)."""

    kind = kinds.PAYLOAD_TOO_LARGE


class StorageFull(RegistryError):
    """The registry's storage is full; nothing was saved (507)."""

    kind = kinds.STORAGE_FULL


class Unavailable(RegistryError):
    """The registry's database or artifact store does not answer for now; nothing was changed (503)."""

    kind = kinds.UNAVAILABLE


class VerificationFailed(PackageRejected):
    """Verification on the registry failed (422); ``findings`` say why."""

    kind = kinds.VERIFICATION_FAILED
    status = 422


#: What the client says for each kind: the class it raises, the message and the hint. The
#: message may use {base} (the registry), {status}, {detail} (": " and the problem's detail)
#: and {missing} (the detail, or what was not found).
_SAID: dict[ProblemKind, tuple[type[RegistryError], str, str]] = {
    kinds.UNAUTHORIZED: (Unauthorized, "The registry at {base} did not accept the token ({status}{detail}).",
                         "Ask your registry administrator for a new token, then run `appstore login`."),
    kinds.FORBIDDEN: (Forbidden, "Your token may not do this ({status}{detail}).",
                      "Publish and yank only apps of the organisation your token belongs to."),
    kinds.NOT_FOUND: (NotFound, "{missing} ({status} from {base}).",
                      "Check the spelling of the id and version; `appstore search` lists the apps."),
    kinds.CONFLICT: (Conflict, "The registry refused: it holds something that conflicts ({status}{detail}).",
                     "Look at the current state (`appstore show`), then try again if still needed."),
    kinds.PAYLOAD_TOO_LARGE: (PayloadTooLarge, "The package is too large for the registry ({status}{detail}).",
                              "Leave out files the app does not need (.appstoreignore) and build again."),
    kinds.STORAGE_FULL: (StorageFull, "The registry's storage is full ({status}{detail}).",
                         "Nothing was saved; try again later or tell the registry's administrators."),
    kinds.UNAVAILABLE: (Unavailable, "The registry is unavailable for a moment ({status}{detail}).",
                        "Nothing was changed; try again in a minute."),
}


def error_for(response: requests.Response, base_url: str, what: str = "") -> Exception:
    """The error for a failed answer, with a message that says what to do."""
    problem = _problem(response)
    status = response.status_code
    kind = kinds.kind_of(problem, status) if status >= 400 else None
    detail = str(problem.get("detail") or problem.get("title") or response.reason or "").strip().rstrip(".")
    detail_text = f": {detail}" if detail else ""
    if kind is kinds.VERIFICATION_FAILED:
        findings = [Finding.from_dict(f) for f in problem.get("findings") or []]
        rejected = VerificationFailed(f"The registry rejected the package{detail_text}.", findings)
        rejected.hint = "Fix the errors below; `appstore check` shows them before you publish."
        return rejected
    if kind is kinds.INVALID_PARAMS or (status == 400 and problem.get("invalidParams")):
        named = [InvalidParam.from_dict(p) for p in problem.get("invalidParams") or []]
        return InvalidInput(
            f"The registry refused the request: {len(named)} problem(s) with what was sent.",
            hint="\n".join(f"- {p.name} ({p.code}): {p.reason}" for p in named), status=status, problem=problem)
    if kind in _SAID:
        error, message, hint = _SAID[kind]
        missing = detail or (what or "That") + " was not found"
        return error(message.format(base=base_url, status=status, detail=detail_text, missing=missing),
                     hint=hint, status=status, problem=problem)
    if 300 <= status < 400:
        return RegistryError(f"The registry redirected the request to {response.headers.get('Location', '?')}.",
                             hint="Use that address as --registry (an https URL, without a path).",
                             status=status, problem=problem)
    if status >= 500:
        return RegistryError(f"The registry at {base_url} failed ({status}{detail_text}).",
                             hint="Try again later; if it persists, tell the registry's administrators.",
                             status=status, problem=problem)
    return RegistryError(f"The registry refused the request ({status}{detail_text}).",
                         hint="Run with --verbose to see the details.", status=status, problem=problem)


def _problem(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
