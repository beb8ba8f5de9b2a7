"""Install plans: which releases to install or upgrade in an environment, in order.

The plan resolves the requested app together with everything the environment
runs (so nothing installed breaks), then checks what resolution cannot:
downloads the organisation may not make, promotion from an earlier
environment, and config values still missing. Plans are kept, so that the
bundle and the record are exactly what was shown.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from resolvelib import ResolutionImpossible, ResolutionTooDeep
from resolvelib.resolvers import Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.models import App, Environment, Installation, InstallPlanRecord, Release
from registry.services.candidates import CandidateIndex, Options
from registry.services.collisions import CollisionCheck
from registry.services.explain import Explainer
from registry.services.plan_checks import PlanChecks
from registry.services.release_charts import chart_problem
from registry.services.resolver import INSTALLED, REQUEST, PlanProvider, app_need, resolve
from registry.services.tokens import Caller
from registry.storage import ArtifactStore
from sdk.versions import satisfies, sort_key

READY, BLOCKED, NEEDS_CHOICE, IMPOSSIBLE = "ready", "blocked", "needs-choice", "impossible"
MAX_PASSES = 4  # re-resolutions to prefer providers the plan holds already


@dataclass(frozen=True)
class PlanRequest:
    """What a municipality asks for: an app, optionally a range, and providers it picked per API."""

    app: str
    version: str | None = None
    choices: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"app": self.app, "version": self.version, "choices": dict(self.choices)}


def installed_versions(session: Session, environment: Environment) -> dict[str, str]:
    rows = session.execute(
        select(App.slug, Release.version).select_from(Installation)
        .join(App, Installation.app_id == App.id).join(Release, Installation.release_id == Release.id)
        .where(Installation.environment_id == environment.id))
    return {app: version for app, version in rows}


class PlanService:
    def __init__(self, session: Session, store: ArtifactStore | None = None) -> None:
        self.session = session
        self.store = store  # lets plan checks render charts with the environment's values

    def plan(self, environment: Environment, request: PlanRequest, caller: Caller) -> InstallPlanRecord:
        """Compute, keep and return a plan (its ``result`` is the JSON body)."""
        result = self.compute(environment, request, caller)
        record = InstallPlanRecord(environment_id=environment.id, status=result["status"],
                                   request=request.to_json(), result=result, created_by=caller.actor)
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, environment: Environment, plan_id: int) -> InstallPlanRecord:
        record = self.session.get(InstallPlanRecord, plan_id)
        if record is None or record.environment_id != environment.id:
            raise NotFound(f"There is no plan {plan_id} for `{environment.name}`; make one with POST .../plans.")
        return record

    def compute(self, environment: Environment, request: PlanRequest, caller: Caller) -> dict[str, Any]:
        installed = installed_versions(self.session, environment)
        index = CandidateIndex(self.session, environment.profile_id)
        if index.releases(request.app) is None:
            raise NotFound(f"There is no app `{request.app}`; search the catalogue with GET /api/v1/apps?q=...")
        explainer = Explainer(index, environment.name, environment.profile.slug)
        choices = dict(request.choices)
        roots = [app_need(request.app, request.version, REQUEST)] + [
            app_need(app, None, INSTALLED) for app in sorted(installed) if app != request.app]
        for _ in range(MAX_PASSES):
            provider = PlanProvider(index, installed, choices)
            try:
                result = resolve(provider, roots)
            except ResolutionImpossible as impossible:
                return self._body(IMPOSSIBLE, [], [], [
                    _error("plan.conflict", m, {"explanation": m}) for m in explainer.conflict(impossible.causes)])
            except ResolutionTooDeep:
                return self._body(IMPOSSIBLE, [], [], [_error(
                    "plan.too-complex",
                    "The requirements allow too many combinations to try; ask for a narrower version range.", {})])
            implied, open_choices = self._choices(provider, result, choices, installed, explainer)
            if not implied:
                break
            choices.update(implied)
        if open_choices:
            return self._body(NEEDS_CHOICE, [], open_choices, [_error(
                "plan.choice-needed", f"Several apps provide API {c['api']} ({', '.join(c['providers'])}); "
                f'pick one with "choices": {{"{c["api"]}": "APP"}}.', {"api": c["api"], "providers": c["providers"]})
                for c in open_choices])
        steps = _steps(result, request.app, installed, explainer)
        chart_check = functools.partial(chart_problem, self.store) if self.store is not None else None
        problems = PlanChecks(self.session, environment, caller, chart_check).check(steps)
        if self.store is not None:
            problems += CollisionCheck(self.session, self.store).check(environment, steps)
        blocked = any(p["severity"] == "error" for p in problems)
        return self._body(BLOCKED if blocked else READY, steps, [], problems)

    @staticmethod
    def _body(status: str, steps: list[dict[str, Any]], choices: list[dict[str, Any]],
              problems: list[dict[str, Any]]) -> dict[str, Any]:
        return {"status": status, "ready": status == READY, "steps": steps, "choices": choices,
                "problems": problems}

    def _choices(self, provider: PlanProvider, result: Result, choices: Mapping[str, str], installed: Mapping[str, str],
                 explainer: Explainer) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """APIs with several possible providers: taken from the plan where it holds one, else open."""
        implied, open_choices = {}, []
        for identifier, pick in result.mapping.items():
            if not identifier.startswith("api:") or pick.name in choices:
                continue
            infos = list(result.criteria[identifier].information)
            possible = provider.providers_for(i.requirement for i in infos)
            if len(possible) < 2 or pick.provider in installed:
                continue
            in_plan = [p for p in possible if p != pick.provider and _held(result, p, pick.name)]
            if in_plan:
                implied[pick.name] = in_plan[0]
                continue
            open_choices.append({"api": pick.name, "requiredBy": sorted({explainer.who(i) for i in infos}),
                                 "providers": possible})
        return implied, open_choices


def _error(code: str, message: str, data: dict[str, Any]) -> dict[str, Any]:
    """A problem of the whole plan: ``message`` in English for the API, ``data`` for the catalogues' words."""
    return {"code": code, "severity": "error", "message": message, "data": data}


def _held(result: Result, app: str, api: str) -> bool:
    """Whether the plan holds ``app`` for another reason than providing ``api``."""
    pinned = result.mapping.get(f"app:{app}")
    if pinned is None:
        return False
    return any(not (i.requirement.via or "").startswith(f"{api} ") for i in result.criteria[f"app:{app}"].information)


def _steps(result: Result, root: str, installed: Mapping[str, str], explainer: Explainer) -> list[dict[str, Any]]:
    """Steps in dependency order: the requested app's closure, then installed apps that must change."""
    mapping = result.mapping
    providers = {pick.name: pick.provider for ident, pick in mapping.items() if ident.startswith("api:")}

    def dependencies(app: str) -> list[str]:
        release = mapping[f"app:{app}"].release
        chosen = [pick.name for ident, pick in mapping.items() if ident.startswith(f"any:{app}:")]
        apis = [api for api, _ in release.requires_apis] + chosen
        deps = [a for a, _ in release.requires_apps] + [providers[api] for api in apis if api in providers]
        deps += [provider for options in release.optional_apis for provider in _optional_providers(mapping, options)]
        return [d for d in deps if d != app and f"app:{d}" in mapping]

    order: list[str] = []
    visiting: set[str] = set()

    def visit(app: str) -> None:
        if app in order or app in visiting:
            return
        visiting.add(app)
        for dep in dependencies(app):
            visit(dep)
        visiting.discard(app)
        order.append(app)

    visit(root)
    for ident in sorted(mapping):
        app = ident.removeprefix("app:")
        if ident.startswith("app:") and installed.get(app) != mapping[ident].version:
            visit(app)
    return [_step(app, mapping[f"app:{app}"], installed.get(app), result, providers, explainer) for app in order]


def _optional_providers(mapping: Mapping[str, Any], options: Options) -> list[str]:
    """Apps in the plan that provide an optional API at a matching version: installed before the app using it."""
    found = []
    for ident, pick in mapping.items():
        if ident.startswith("app:") and pick.release is not None:
            for api, range_ in options:
                version = pick.release.provided_version(api)
                if version is not None and (range_ is None or satisfies(version, range_)):
                    found.append(pick.name)
    return found


def _step(app: str, pick: Any, current: str | None, result: Result, providers: Mapping[str, str],
          explainer: Explainer) -> dict[str, Any]:
    release = pick.release
    if current is None:
        action = "install"
    elif current == pick.version:
        action = "keep"
    else:
        action = "upgrade" if sort_key(pick.version) > sort_key(current) else "downgrade"
    required_by = []
    for info in result.criteria[f"app:{app}"].information:
        if info.parent is not None and info.parent.provider is not None:
            api = info.parent.name
            required_by += [f"{explainer.who(i)} (API {api} {i.requirement.range or ''})".replace(" )", ")")
                            for i in result.criteria[f"api:{api}"].information]
        elif info.requirement.origin != INSTALLED or info.parent is not None:
            needed = f" ({info.requirement.range})" if info.requirement.range and info.parent else ""
            required_by.append(explainer.who(info) + needed)
    return {
        "app": app,
        "version": pick.version,
        "action": action,
        "installedVersion": current,
        "requiredBy": sorted(set(required_by)),
        "provides": sorted(api for api, provider in providers.items() if provider == app),
        "compatible": release.compatible,
        "yanked": release.yanked,
        "releaseId": release.release_id,
    }
