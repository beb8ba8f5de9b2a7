"""Version ranges in the Helm / npm constraint syntax, matched with SemVer precedence.

A range is alternatives joined by ``||``; an alternative is comparators joined by spaces
(all must hold), or a hyphen range ``1.2.3 - 2.3.4``. A comparator is an optional ``v``, an
operator (``<``, ``<=``, ``>``, ``>=``, ``=``, ``^``, ``~`` or none) and a version whose minor
and patch may be missing or wildcards (``x``, ``X``, ``*``): ``^1.2``, ``~1.2.3``, ``1.x``.

Pre-releases follow npm: ``1.3.0-rc.1`` lies in a range only when a comparator names a
pre-release of the same ``major.minor.patch``. The text is read once from left to right
by hand, with no regular expression, so parsing takes linear time on any input.
"""

from __future__ import annotations

from dataclasses import dataclass

import semver

_NUMBER_START = frozenset("0123456789xX*")
_DIGITS = frozenset("0123456789")
_WILDCARDS = frozenset("xX*")
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_OPERATORS = ("<=", ">=", "<", ">", "=", "^", "~")  # two-character ones first
MAX_LENGTH = 1024  # characters; real ranges are a few dozen


class InvalidRange(ValueError):
    """The text is not a version range."""


@dataclass(frozen=True)
class Comparator:
    """One bound: ``operator`` is ``==``, ``<``, ``<=``, ``>`` or ``>=``.

    ``same_patch_only`` keeps pre-releases out unless they share the target's
    ``major.minor.patch``; build metadata counts only when the target has some.
    """

    operator: str
    target: semver.Version
    same_patch_only: bool = True

    def admits(self, version: semver.Version) -> bool:
        if self.target.build is None:
            version = version.replace(build=None)
        if version.prerelease and self.same_patch_only and _core(version) != _core(self.target):
            return False
        order = version.compare(self.target)
        if self.operator == "==":
            return order == 0 and version.build == self.target.build
        if self.operator == ">":
            return order > 0
        if self.operator == ">=":
            return order >= 0
        if self.operator == "<":
            return order < 0
        return order <= 0


@dataclass(frozen=True)
class VersionRange:
    """Alternatives, each a tuple of comparators that must all admit a version."""

    text: str
    alternatives: tuple[tuple[Comparator, ...], ...]

    def admits(self, version: semver.Version) -> bool:
        return any(all(c.admits(version) for c in alternative) for alternative in self.alternatives)


def parse(text: str) -> VersionRange:
    """The range that ``text`` spells; :class:`InvalidRange` when it spells none."""
    if len(text) > MAX_LENGTH:
        raise InvalidRange(f"a version range has at most {MAX_LENGTH} characters")
    alternatives: list[tuple[Comparator, ...]] = []
    for group in text.split("||"):
        alternatives.extend(_alternatives(group.strip() or ">=0.0.0"))
    return VersionRange(text, tuple(alternatives))


def _alternatives(group: str) -> list[tuple[Comparator, ...]]:
    """One ``||`` group; a group that names a pre-release becomes two alternatives."""
    comparators: list[Comparator] = []
    if " - " in group:
        ends = group.split(" - ")
        if len(ends) != 2:
            raise InvalidRange(f"a hyphen range has two ends: {group!r}")
        comparators = _comparators(">=" + ends[0]) + _comparators("<=" + ends[1])
    else:
        for block in group.split(" "):
            comparators.extend(_comparators(block))
    on_prerelease: list[Comparator] = []
    on_release: list[Comparator] = []
    for comparator in comparators:
        target = comparator.target
        if not target.prerelease:
            on_release.append(comparator)
            continue
        # A pre-release bound admits pre-releases of its own patch only, and those
        # only below the next patch (or from the minor's first release, for an upper bound).
        if comparator.operator in (">", ">="):
            on_prerelease.append(Comparator("<", _release(target.major, target.minor, target.patch + 1), False))
        elif comparator.operator in ("<", "<="):
            on_prerelease.append(Comparator(">=", _release(target.major, target.minor, 0), False))
        on_prerelease.append(comparator)
        on_release.append(Comparator(comparator.operator, _core(target)))
    found = [tuple(on_prerelease)] if on_prerelease else []
    return [*found, tuple(on_release)]


@dataclass(frozen=True)
class _Partial:
    """A comparator as written: numbers are ``None`` where missing or a wildcard."""

    operator: str
    major: int | None
    minor: int | None
    patch: int | None
    prerelease: str
    build: str


def _comparators(block: str) -> list[Comparator]:
    """What one comparator such as ``^1.2`` or ``<=2.x`` means as plain bounds."""
    written = _read_block(block)
    operator = written.operator or "="
    build = written.build if operator == "=" else ""  # build metadata has no order
    if None in (written.major, written.minor, written.patch) and (written.prerelease or build):
        raise InvalidRange(f"a pre-release or build needs a full version: {block!r}")
    if written.major is None:
        if operator not in ("=", ">="):
            raise InvalidRange(f"a wildcard takes no operator but >=: {block!r}")
        return [Comparator(">=", _release(0, 0, 0))]
    major, minor = written.major, written.minor or 0
    patch = (written.patch or 0) if written.minor is not None else 0  # 1.x.3 means 1.x
    target = _version(major, minor, patch, written.prerelease, build)
    # The first version past what a partial version covers: 1.x -> 2.0.0, 1.2 -> 1.3.0.
    past = (_release(major + 1, 0, 0) if written.minor is None
            else _release(major, minor + 1, 0) if written.patch is None else None)
    if operator == "^":
        return [Comparator(">=", target), Comparator("<", _caret_ceiling(written, major, minor, patch))]
    if operator == "~":
        return [Comparator(">=", target), Comparator("<", past or _tilde_ceiling(target))]
    if operator == "=":
        return [Comparator("==", target)] if past is None else [Comparator(">=", target), Comparator("<", past)]
    if operator == ">":
        return [Comparator(">", target)] if past is None else [Comparator(">=", past)]
    if operator == "<=":
        return [Comparator("<=", target)] if past is None else [Comparator("<", past)]
    return [Comparator(operator, target)]  # ">=" and "<"


def _caret_ceiling(written: _Partial, major: int, minor: int, patch: int) -> semver.Version:
    """Changes that keep the left-most non-zero number: ^1.2.3 < 2.0.0, ^0.2.3 < 0.3.0, ^0.0.3 < 0.0.4."""
    if major:
        return _release(major + 1, 0, 0)
    if written.minor is None:
        return _release(1, 0, 0)
    if minor or written.patch is None:
        return _release(0, minor + 1, 0)
    return _release(0, 0, patch + 1)


def _tilde_ceiling(target: semver.Version) -> semver.Version:
    """Patch-level changes of a full version: ~1.2.3 < 1.3.0."""
    if target.prerelease and target.patch == 0:
        # ~1.2.0-rc.1 has always had its ceiling at 1.2.0 here; kept, so it means what it meant.
        return _release(target.major, target.minor, 0)
    return _release(target.major, target.minor + 1, 0)


def _read_block(block: str) -> _Partial:
    """Split ``[v]<op><major>[.<minor>[.<patch>]][-<pre>][+<build>]`` in one pass."""
    text = block[:-1] if block.endswith("\n") else block  # one final newline was always let through
    at = 1 if text.startswith("v") else 0
    operator = next((op for op in _OPERATORS if text.startswith(op, at)), "")
    at += len(operator)
    numbers: list[int | None] = []
    while len(numbers) < 3:
        if numbers:
            if not text.startswith(".", at):
                break
            at += 1
        number, at = _read_number(text, at, block)
        numbers.append(number)
    numbers += [None] * (3 - len(numbers))
    prerelease, at = _read_identifiers(text, at, "-")
    build, at = _read_identifiers(text, at, "+")
    if at != len(text):
        raise InvalidRange(f"unexpected {text[at]!r} in {block!r}")
    return _Partial(operator, numbers[0], numbers[1], numbers[2], prerelease, build)


def _read_number(text: str, at: int, block: str) -> tuple[int | None, int]:
    """A number without leading zeros, or a wildcard (``None``)."""
    if at >= len(text) or text[at] not in _NUMBER_START:
        raise InvalidRange(f"a version number is missing in {block!r}")
    if text[at] in _WILDCARDS:
        return None, at + 1
    end = at + 1
    if text[at] != "0":
        while end < len(text) and text[end] in _DIGITS:
            end += 1
    try:
        return int(text[at:end]), end
    except ValueError as error:  # more digits than Python converts
        raise InvalidRange(f"a version number is too long in {block!r}") from error


def _read_identifiers(text: str, at: int, mark: str) -> tuple[str, int]:
    """The characters after ``mark`` (``-`` or ``+``) that may make up identifiers."""
    if not text.startswith(mark, at):
        return "", at
    end = at + 1
    while end < len(text) and text[end] in _IDENTIFIER_CHARS:
        end += 1
    return text[at + 1 : end], end


def _version(major: int, minor: int, patch: int, prerelease: str, build: str) -> semver.Version:
    for identifier in prerelease.split(".") if prerelease else ():
        if not identifier or (identifier.isdigit() and identifier != "0" and identifier.startswith("0")):
            raise InvalidRange(f"{identifier!r} is not a pre-release identifier")
    if build and "" in build.split("."):
        raise InvalidRange(f"{build!r} has an empty build identifier")
    return semver.Version(major, minor, patch, prerelease or None, build or None)


def _release(major: int, minor: int, patch: int) -> semver.Version:
    return semver.Version(major, minor, patch)


def _core(version: semver.Version) -> semver.Version:
    return semver.Version(version.major, version.minor, version.patch)
