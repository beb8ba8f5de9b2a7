"""A release's verdict per platform profile, in words and as JSON.

Both ``appstore check`` (from a local ``Compatibility``) and ``appstore
publish``/``show`` (from the registry's answer) say it the same way: runs,
runs but does not meet a policy, or does not run, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sdk.findings import Finding, Kind
from sdk.verification import Compatibility


@dataclass(frozen=True)
class Verdict:
    """One profile's verdict, whichever side computed it."""

    profile: str
    runs: bool
    meets_policy: bool
    failed_policies: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    name: str = ""  # the profile's name for people, where the side that judged knows it
    retired: bool = False  # the registry retired the profile: its verdict no longer decides where a release runs

    @property
    def compatible(self) -> bool:
        """Whether it may be installed there: it runs and meets every enforced policy."""
        return self.runs and self.meets_policy

    def of_kind(self, kind: Kind | str) -> list[Finding]:
        wanted = Kind(kind)
        return [f for f in self.findings if f.kind is wanted]

    @classmethod
    def of(cls, compatibility: Compatibility, name: str = "") -> Verdict:
        return cls(compatibility.profile, compatibility.runs, compatibility.meets_policy,
                   compatibility.failed_policies, compatibility.findings, name)

    @classmethod
    def from_api(cls, entry: Mapping[str, Any]) -> Verdict:
        """An entry of a release's ``compatibility`` in the registry's API."""
        runs = bool(entry.get("runs", entry.get("compatible")))
        return cls(str(entry.get("profile", "")), runs, bool(entry.get("meetsPolicy", runs)),
                   tuple(entry.get("failedPolicies") or ()),
                   tuple(Finding.from_dict(f) for f in entry.get("findings") or ()))

    def words(self) -> str:
        """``runs on haven``, ``runs on haven, but does not meet policy images`` or ``does not run on haven``."""
        if not self.runs:
            return f"does not run on {self.profile}"
        if not self.meets_policy:
            return f"runs on {self.profile}, but does not meet policy {', '.join(self.failed_policies)}"
        return f"runs on {self.profile}"

    def reasons(self) -> list[Finding]:
        """The findings that decide a negative verdict: what stops it running, else the policy failures."""
        kind = Kind.RUNS if not self.runs else Kind.POLICY
        return [f for f in self.findings if f.kind is kind and f.is_error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "runs": self.runs,
            "meetsPolicy": self.meets_policy,
            "failedPolicies": list(self.failed_policies),
            "compatible": self.runs and self.meets_policy,
            "findings": {kind.value: [f.to_dict() for f in self.findings if f.kind is kind] for kind in Kind},
        }


def runs_nowhere(verdicts: Sequence[Verdict]) -> bool:
    """Whether the release runs on none of the profiles it was judged on (and there were some)."""
    return bool(verdicts) and not any(v.runs for v in verdicts)


def nowhere_reason(verdicts: Iterable[Verdict]) -> str:
    """Why a release runs nowhere, in one line: the first reason for each profile."""
    parts = []
    for verdict in verdicts:
        reasons = verdict.reasons()
        parts.append(f"{verdict.profile}: {reasons[0].message}" if reasons else verdict.profile)
    return "; ".join(parts)
