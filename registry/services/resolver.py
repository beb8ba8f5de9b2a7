"""The install resolver: resolvelib, with apps and APIs as the things to pin.

An app (``app:<id>``) is pinned to one release. An API (``api:<name>``) is a
virtual package pinned to one provider at one API version; that pin in turn
requires the providing app at the releases that provide exactly that API
version. Backtracking over both gives a consistent set, or the conflict.

Alternatives (``anyOf``: this API or that one) are a third kind of virtual
package, ``any:<app>:<apis>``, pinned to one of its APIs; an alternative that
cannot be provided makes resolvelib try the next. An optional API is required
only where a provider runs already and provides a matching version: then the
plan keeps it working, and elsewhere the requirement is left out. A plugin's
host app (``extends``) is an ordinary app requirement.

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

from registry.services.candidates import CandidateIndex, Options, ReleaseInfo
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
    options: Options = ()  # alternatives, of which any one will do
    wanted_by: str = ""  # the release that lists the alternatives

    @property
    def is_api(self) -> bool:
        return self.identifier.startswith("api:")

    def describe(self) -> str:
        if self.options:
            return "one of " + " or ".join(f"API {api} {r}" if r else f"API {api}" for api, r in self.options)
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
    wanted_by: str = field(default="", compare=False)  # for an alternative: the release that lists it

    def describe(self) -> str:
        if self.identifier.startswith("any:"):
            return self.wanted_by
        return f"{self.provider} (API {self.name} {self.version})" if self.provider else f"{self.name} {self.version}"


def app_need(app: str, range_: str | None, origin: str = DEPENDENCY) -> Need:
    return Need(f"app:{app}", app, range_ or None, origin=origin)


def any_need(release: ReleaseInfo, options: Options) -> Need:
    key = "|".join(f"{api}@{range_ or '*'}" for api, range_ in options)
    return Need(f"any:{release.app}:{key}", release.app, options=options,
                wanted_by=f"{release.app} {release.version}")


def options_of(identifier: str) -> Options:
    """The alternatives an ``any:<app>:<api>@<range>|...`` identifier stands for."""
    key = identifier.split(":", 2)[2]
    pairs = (part.split("@", 1) for part in key.split("|"))
    return tuple((api, None if range_ == "*" else range_) for api, range_ in pairs)


def api_need(api: str, range_: str | None) -> Need:
    return Need(f"api:{api}", api, range_ or None)


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
        return (identifier not in causes, identifier.startswith(("api:", "any:")), identifier)

    def find_matches(self, identifier: str, requirements: Mapping[str, Iterator[Need]],
                     incompatibilities: Mapping[str, Iterator[Pick]]) -> list[Pick]:
        needs = list(requirements[identifier])
        bad = set(incompatibilities[identifier])
        if identifier.startswith("any:"):
            picks = self._alternative_picks(needs)
        else:
            picks = self._api_picks(needs) if identifier.startswith("api:") else self._app_picks(needs)
        return [p for p in picks if p not in bad]

    def is_satisfied_by(self, requirement: Need, candidate: Pick) -> bool:
        if requirement.options:
            return (candidate.name, candidate.version or None) in requirement.options
        return fits(requirement, candidate.version, candidate.installed)

    def get_dependencies(self, candidate: Pick) -> list[Need]:
        if candidate.provider is not None:
            versions = self.index.providers(candidate.name).get(candidate.provider, {}).get(candidate.version, [])
            return [Need(f"app:{candidate.provider}", candidate.provider, allowed=frozenset(versions),
                         via=f"{candidate.name} {candidate.version}")]
        if candidate.identifier.startswith("any:"):
            return [api_need(candidate.name, candidate.version or None)]
        release = candidate.release
        if release is None:  # only provider and any: picks lack a release, and they returned above
            raise LookupError(f"the pick {candidate.identifier} {candidate.version} has no release")
        needs = [app_need(app, range_) for app, range_ in release.requires_apps]
        needs += [api_need(api, range_) for api, range_ in release.requires_apis]
        needs += [any_need(release, options) for options in release.alternatives]
        for options in release.optional_apis:
            present = tuple(o for o in options if self.runs_provider(*o))
            if len(present) == 1:
                needs.append(api_need(*present[0]))
            elif present:
                needs.append(any_need(release, present))
        return needs

    def runs_provider(self, api: str, range_: str | None) -> bool:
        """Whether an installed app provides ``api`` at a version in ``range_`` as it runs now."""
        need = api_need(api, range_)
        return any(self.installed.get(app) in releases and fits(need, api_version)
                   for app, versions in self.index.providers(api).items()
                   for api_version, releases in versions.items())

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

    def _alternative_picks(self, needs: list[Need]) -> list[Pick]:
        """The APIs of one ``anyOf``: one that runs already first, then those some app provides, as listed."""
        need = needs[0]
        picks = [Pick(need.identifier, api, range_ or "", wanted_by=need.wanted_by) for api, range_ in need.options]
        picks.sort(key=lambda p: (not self.runs_provider(p.name, p.version or None),
                                  not self.index.providers(p.name)))
        return picks

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
