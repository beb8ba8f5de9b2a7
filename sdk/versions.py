"""Versions (SemVer 2.0) and version ranges (the Helm / npm constraint syntax)."""

from __future__ import annotations

import functools

import semver

from sdk import version_ranges
from sdk.version_ranges import VersionRange

MAX_VERSION_LENGTH = 256  # characters, as npm's semver allows; SemVer itself sets no limit


def parse_version(text: str) -> semver.Version | None:
    """A SemVer 2.0 version, or ``None`` when ``text`` is not one."""
    if not isinstance(text, str) or len(text) > MAX_VERSION_LENGTH:
        return None
    try:
        return semver.Version.parse(text)
    except ValueError:
        return None


def is_version(text: object) -> bool:
    return isinstance(text, str) and parse_version(text) is not None


def precedence_key(text: str) -> str:
    """The version without build metadata: versions equal here are the same release."""
    return text.split("+", 1)[0]


@functools.lru_cache(maxsize=4096)
def parse_range(text: str) -> VersionRange | None:
    """A constraint such as ``>=1.4.0 <2.0.0``, ``^1.2``, ``~1.2.3``, ``1.x`` or
    alternatives joined by ``||``; ``None`` when it is not valid."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return version_ranges.parse(text.strip())
    except version_ranges.InvalidRange:
        return None


def is_range(text: object) -> bool:
    return isinstance(text, str) and parse_range(text) is not None


def satisfies(version: str, constraint: str) -> bool:
    """Whether ``version`` lies in ``constraint``; invalid input never satisfies."""
    spec = parse_range(constraint)
    parsed = parse_version(version)
    return spec is not None and parsed is not None and spec.admits(parsed)


def sort_key(text: str) -> semver.Version:
    """Order versions by SemVer precedence (invalid ones first)."""
    return parse_version(text) or semver.Version(0)
