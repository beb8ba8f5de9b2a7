"""The install resolver: resolvelib, with apps and APIs as the things to pin.

An app (``app:<id>``) is pinned to one release. An API (``api:<name>``) is a
virtual package pinned to one provider at one API version; that pin in turn
requires the providing app at the releases that provide exactly that API
version. Backtracking over both gives a consistent set, or the conflict.

Candidate order carries the policy: what the environment runs now comes first
(except for the app that was asked for, which is the newest that fits);
yanked releases, releases not verified to run on the profile, and
pre-releases outside the requested range are never offered. The release an
environment runs is offered even if it was yanked since, as the last resort:
keeping it is not choosing it, and the plan then flags it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from resolvelib import AbstractProvider, BaseReporter, Resolver
from resolvelib.resolvers import RequirementInformation, Result

from registry.services.candidates import CandidateIndex, ReleaseInfo
from sdk.versions import parse_version, satisfies, sort_key

REQUEST, INSTALLED, DEPENDENCY = "request", "installed", "dependency"
MAX_ROUNDS = 5000


@dataclass(frozen=True)
class Need:
    """A requirement: an app in a range (or at given versions), or an API in a range."""

    identifier: str
    name: str
    range: str | None = None
    allowed: frozenset[str] | None = None  # exact releases, for an API's provider
    origin: str = DEPENDENCY
    via: str = ""  # the API this need stands for, when it asks for a provider

    @property
    def is_api(self) -> bool:
        return self.identifier.startswith("api:")

    def describe(self) -> str:
        kind = "API " if self.is_api else ""
        if self.via:
            return f"{self.name} as provider of {self.via}"
        return f"{kind}{self.name} {self.range}" if self.range else f"{kind}{self.name}"


@dataclass(frozen=True)
class Pick:
    """A candidate: a release of an app, or a provider of an API at one API version."""

    identifier: str
    name: str
    version: str
    release: ReleaseInfo | None = field(default=None, compare=False)
    provider: str | None = None
    installed: bool = field(default=False, compare=False)

    def describe(self) -> str:
        return f"{self.provider} (API {self.name} {self.version})" if self.provider else f"{self.name} {self.version}"


def app_need(app: str, range_: str | None, origin: str = DEPENDENCY) -> Need:
    return Need(f"app:{app}", app, range_ or None, origin=origin)


def fits(need: Need, version: str, installed: bool = False) -> bool:
    """Whether ``version`` meets ``need``; pre-releases only where the range names one."""
    if need.allowed is not None and version not in need.allowed:
        return False
    if need.range is None:
        return installed or not _prerelease(version)
    return _satisfies(version, need.range)


# Resolution asks the same questions many times over; the answers never change.
_satisfies = functools.lru_cache(maxsize=65536)(satisfies)


@functools.lru_cache(maxsize=65536)
def _prerelease(version: str) -> bool:
    parsed = parse_version(version)
    return bool(parsed and parsed.prerelease)


class PlanProvider(AbstractProvider):  # type: ignore[type-arg]
    """Answers resolvelib's questions from a ``CandidateIndex``."""

    def __init__(self, index: CandidateIndex, installed: Mapping[str, str], choices: Mapping[str, str]) -> None:
        self.index = index
        self.installed = installed  # app -> installed version
        self.choices = choices  # api -> chosen provider app

    def identify(self, requirement_or_candidate: Need | Pick) -> str:
        return requirement_or_candidate.identifier

    def get_preference(self, identifier: str, resolutions: Mapping[str, Pick], candidates: Mapping[str, Iterator[Pick]],
                       information: Mapping[str, Iterator[RequirementInformation]],
                       backtrack_causes: Sequence[RequirementInformation]) -> Any:
        causes = {c.requirement.identifier for c in backtrack_causes}
        # Conflicts first, then apps before APIs, so that providers already in the plan are known.
        return (identifier not in causes, identifier.startswith("api:"), identifier)

    def find_matches(self, identifier: str, requirements: Mapping[str, Iterator[Need]],
                     incompatibilities: Mapping[str, Iterator[Pick]]) -> list[Pick]:
        needs = list(requirements[identifier])
        bad = set(incompatibilities[identifier])
        picks = self._api_picks(needs) if identifier.startswith("api:") else self._app_picks(needs)
        return [p for p in picks if p not in bad]

    def is_satisfied_by(self, requirement: Need, candidate: Pick) -> bool:
        return fits(requirement, candidate.version, candidate.installed)

    def get_dependencies(self, candidate: Pick) -> list[Need]:
        if candidate.provider is not None:
            versions = self.index.providers(candidate.name).get(candidate.provider, {}).get(candidate.version, [])
            return [Need(f"app:{candidate.provider}", candidate.provider, allowed=frozenset(versions),
                         via=f"{candidate.name} {candidate.version}")]
        release = candidate.release
        assert release is not None
        return [app_need(app, range_) for app, range_ in release.requires_apps] + [
            Need(f"api:{api}", api, range_ or None) for api, range_ in release.requires_apis]

    # -- candidates ----------------------------------------------------------

    def _app_picks(self, needs: list[Need]) -> list[Pick]:
        name = needs[0].name
        releases = self.index.releases(name) or []
        current = self.installed.get(name)
        origins = {n.origin for n in needs}
        picks = []
        for info in reversed(releases):  # newest first
            is_installed = info.version == current
            if not (info.viable or is_installed):
                continue
            if all(fits(n, info.version, is_installed) for n in needs):
                picks.append(Pick(f"app:{name}", name, info.version, info, installed=is_installed))
        if REQUEST in origins:
            # The app asked for: the newest that fits, and never a yanked one.
            return [p for p in picks if p.release is not None and p.release.viable]
        keep = [p for p in picks if p.installed]
        rest = [p for p in picks if not p.installed]
        if keep and (origins == {INSTALLED} or keep[0].release.viable):  # type: ignore[union-attr]
            return keep + rest
        return rest + keep

    def _api_picks(self, needs: list[Need]) -> list[Pick]:
        api = needs[0].name
        chosen = self.choices.get(api)
        picks = []
        for provider, versions in self.index.providers(api).items():
            if chosen is not None and provider != chosen:
                continue
            releases = {r.version: r for r in self.index.releases(provider, spread=False) or []}
            current = self.installed.get(provider)
            for api_version, release_versions in versions.items():
                if not all(fits(n, api_version) for n in needs):
                    continue
                usable = [v for v in release_versions if v in releases and (releases[v].viable or v == current)]
                if usable:
                    picks.append(Pick(f"api:{api}", api, api_version, provider=provider,
                                      installed=current in release_versions))
        # What runs already first, then the highest API version, then by name for a stable answer.
        picks.sort(key=lambda p: p.provider or "")
        picks.sort(key=lambda p: sort_key(p.version), reverse=True)
        picks.sort(key=lambda p: not self._runs(p))
        return picks

    def _runs(self, pick: Pick) -> bool:
        return pick.provider in self.installed

    def providers_for(self, needs: Iterable[Need]) -> list[str]:
        """Apps that could meet every one of ``needs`` on an API (ignoring any choice)."""
        saved, self.choices = self.choices, {}
        try:
            return sorted({p.provider for p in self._api_picks(list(needs)) if p.provider})
        finally:
            self.choices = saved


def resolve(provider: PlanProvider, roots: list[Need]) -> Result:  # type: ignore[type-arg]
    """Resolve ``roots``; raises resolvelib's ResolutionImpossible or ResolutionTooDeep."""
    return Resolver(provider, BaseReporter()).resolve(roots, max_rounds=MAX_ROUNDS)
