"""Why no install plan exists, in plain words.

resolvelib reports the requirements that could not be met together; these are
turned into sentences such as "open-notificaties 2.x is required by
zaakafhandelcomponent 1.4.0, but klantinteracties 1.0.0 needs <2.0".
"""

from __future__ import annotations

from collections.abc import Collection

from resolvelib.resolvers import RequirementInformation

from registry.services.candidates import CandidateIndex, ReleaseInfo
from registry.services.resolver import INSTALLED, REQUEST, Need, Pick, fits, options_of

SHOWN = 5  # versions named in one sentence

YOUR_REQUEST = "your request"  # who needs the app asked for; the web pages show this in their own words


class Explainer:
    """Sentences about requirements that cannot be met, for one environment."""

    def __init__(self, index: CandidateIndex, environment: str, profile: str) -> None:
        self.index = index
        self.environment = environment
        self.profile = profile

    def conflict(self, causes: Collection[RequirementInformation]) -> list[str]:
        groups: dict[str, list[RequirementInformation]] = {}
        sentences = []
        for cause in causes:
            parent = cause.parent
            if parent is not None and parent.identifier.startswith("any:"):
                # The last alternative tried failed: say that none of them could be provided.
                groups.setdefault(parent.identifier, [])
                continue
            groups.setdefault(cause.requirement.identifier, [])
            if cause not in groups[cause.requirement.identifier]:
                groups[cause.requirement.identifier].append(cause)
        for identifier, infos in groups.items():
            if not infos:
                wanted_by = next(c.parent.wanted_by for c in causes if c.parent and c.parent.identifier == identifier)
                need = Need(identifier, "", options=options_of(identifier))
                sentences.append(self._unmet_alternatives(need, wanted_by))
                continue
            distinct = {(i.requirement.range, i.requirement.allowed) for i in infos}
            sentences.append(self._clash(infos) if len(distinct) > 1 else self._unmet(infos[0]))
        return sentences

    def _clash(self, infos: list[RequirementInformation]) -> str:
        first, *others = infos
        need: Need = first.requirement
        text = f"{self._what(need)} is required by {self.who(first)}"
        rest = [f"{self.who(i)} needs {self._range(i.requirement)}" for i in others
                if (i.requirement.range, i.requirement.allowed) != (need.range, need.allowed)]
        return f"{text}, but {' and '.join(rest)}."

    def _unmet(self, info: RequirementInformation) -> str:
        need: Need = info.requirement
        who = self.who(info)
        if need.options:
            return self._unmet_alternatives(need, who)
        if need.is_api:
            return self._unmet_api(need, who)
        releases = self.index.releases(need.name)
        if releases is None:
            return f"{who} needs {need.name}, which is not in the catalogue."
        in_range = [r for r in releases if fits(need, r.version)]
        if not in_range:
            known = ", ".join(r.version for r in releases[-SHOWN:])
            return f"{who} needs {self._what(need)}, but no release is in that range (there are: {known})."
        reasons = "; ".join(self._why_not(r) for r in reversed(in_range[-SHOWN:]))
        return f"{who} needs {self._what(need)}, but no release of it can be chosen: {reasons}."

    def _unmet_api(self, need: Need, who: str) -> str:
        providers = self.index.providers(need.name)
        if not providers:
            return f"{who} needs {self._what(need)}, but no app in the catalogue provides it."
        offered = "; ".join(f"{app} provides {', '.join(sorted(versions))}"
                            for app, versions in sorted(providers.items()))
        return (f"{who} needs {self._what(need)}, but no release that provides a matching version can be "
                f"chosen ({offered}; only releases that are not yanked and run on `{self.profile}` count).")

    def _unmet_alternatives(self, need: Need, who: str) -> str:
        offered = "; ".join(f"{api}: {', '.join(sorted(self.index.providers(api))) or 'no provider'}"
                            for api, _ in need.options)
        return (f"{who} needs {self._what(need)}, but no release that provides any of them at a matching "
                f"version can be chosen ({offered}; only releases that are not yanked and run on "
                f"`{self.profile}` count).")

    def _why_not(self, release: ReleaseInfo) -> str:
        if release.yanked:
            return f"{release.version} is yanked"
        if release.compatible is False and release.runs:
            return f"{release.version} runs on platform profile `{self.profile}` but does not meet its policy"
        if release.compatible is False:
            return f"{release.version} does not run on platform profile `{self.profile}`"
        if release.compatible is None:
            return f"{release.version} was not verified on platform profile `{self.profile}`"
        return f"{release.version} conflicts with the rest of the plan"

    def who(self, info: RequirementInformation) -> str:
        parent: Pick | None = info.parent
        if parent is None:
            origin = info.requirement.origin
            if origin == REQUEST:
                return YOUR_REQUEST
            return f"what runs in `{self.environment}`" if origin == INSTALLED else "the plan"
        return parent.describe()

    @staticmethod
    def _what(need: Need) -> str:
        return need.describe()

    @staticmethod
    def _range(need: Need) -> str:
        if need.via:
            return f"the releases that provide {need.via}"
        return need.range or "any version"
