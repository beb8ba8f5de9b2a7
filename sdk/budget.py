"""Work per package: how much one verification may cost, whatever the upload holds.

A small archive can still ask for a lot of work: thousands of Kubernetes
documents, a list of aliases that fans out into thousands of findings, text
built to make a parser slow. Three limits keep one upload's cost bounded:

- ``max_documents``: Kubernetes documents in ``deploy/`` (all files together);
  parsing stops past it and the package is refused;
- ``max_findings_per_code``: findings kept per code in a decision or a
  compatibility result; the rest of that code become one summary finding, so
  the API answer and the release page stay small;
- ``max_seconds``: the time budget of one verification. It is cooperative: the
  runner checks it before each plugin, and the loops over documents and
  objects check it per item (``checkpoint()``); running out refuses the upload.

The registry configures the limits (``VERIFY_*`` settings); ``appstore check``
uses the same defaults, so an author meets the limits before publishing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sdk.errors import PackageRejected
from sdk.findings import SEVERITY_ORDER, Finding, sorted_findings


@dataclass(frozen=True)
class WorkLimits:
    """Limits on the work of verifying one package."""

    max_documents: int = 1000
    max_findings_per_code: int = 25
    max_seconds: float = 20.0


class OutOfTime(PackageRejected):
    """Verification used up its time budget; the package is refused."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            "Verifying the package took too long.",
            [Finding.error("verification.too-slow", data={"seconds": f"{seconds:g}"}).stamped("verification")],
        )


class Budget:
    """The time left for one verification, and the limits it runs under."""

    def __init__(self, limits: WorkLimits = WorkLimits(), clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self.deadline = clock() + limits.max_seconds

    def check(self) -> None:
        """Raise ``OutOfTime`` once the deadline has passed."""
        if self._clock() > self.deadline:
            raise OutOfTime(self.limits.max_seconds)

    @contextmanager
    def active(self) -> Iterator[Budget]:
        """Make this the budget that ``checkpoint()`` and ``current()`` see, for a block."""
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)


_active: ContextVar[Budget | None] = ContextVar("appstore_budget", default=None)


def current() -> Budget | None:
    """The budget of the verification running in this thread, if any."""
    return _active.get()


def checkpoint() -> None:
    """In a long loop of a check: stop if the running verification is out of time."""
    budget = _active.get()
    if budget is not None:
        budget.check()


def document_limit() -> int:
    """The most Kubernetes documents a package may hold, under the running verification."""
    budget = _active.get()
    return (budget.limits if budget is not None else WorkLimits()).max_documents


def summarise(findings: Sequence[Finding], per_code: int) -> list[Finding]:
    """The first ``per_code`` findings of each code, and one finding for the rest of each.

    ``findings`` come sorted (``sorted_findings``), so the kept ones are the
    most severe; the result is sorted again. A summary has the most severe
    level of what it stands for, so a summarised list has errors exactly when
    the full one had.
    """
    kept: list[Finding] = []
    left_out: dict[str, list[Finding]] = {}
    seen: dict[str, int] = {}
    for finding in findings:
        seen[finding.code] = seen.get(finding.code, 0) + 1
        if seen[finding.code] <= per_code:
            kept.append(finding)
        else:
            left_out.setdefault(finding.code, []).append(finding)
    kept += [_summary(code, rest) for code, rest in left_out.items()]
    return sorted_findings(kept)


def _summary(code: str, rest: list[Finding]) -> Finding:
    worst = min(rest, key=lambda f: SEVERITY_ORDER[f.severity])
    return Finding(
        code="findings.more",
        severity=worst.severity,
        message="",  # from the catalogue (sdk.messages), with the count and the code
        key=rest[0].key,
        plugin=worst.plugin,
        kind=worst.kind,
        data={"code": code, "count": len(rest)},
    )
