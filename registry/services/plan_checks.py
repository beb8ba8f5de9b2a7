"""What a resolved plan must still pass: downloads, promotion, config values,
what the municipality brings itself (services given as config, external APIs
it confirms it may use), and a Helm chart that renders with the environment's
values.

Each check adds to the steps what a municipality needs to read (sha256,
missing config, promotion) and returns the problems that block the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import REMOVED, App, Environment, InstallationEvent, Release
from registry.services.config_lookup import config_value
from registry.services.downloads import DownloadPolicy
from registry.services.namespaces import app_namespace
from registry.services.secrets import is_secret, secret_entries, secret_problems, step_secrets
from registry.services.tokens import Caller
from sdk.requirements import MUNICIPALITY, external_apis, service_needs
from sdk.secrets import is_reference, is_unresolved, marker

CHANGES = ("install", "upgrade", "downgrade")


def environment_values(environment: Environment, app: str, manifest: Mapping[str, Any]) -> dict[str, str | None]:
    """Each declared config value: the environment's, else the manifest's default, else none.

    A secret is never a value here: a reference becomes the marker ``appstore
    install`` fills, and a secret held in clear is left out.
    """
    declared = secret_entries(manifest)
    values: dict[str, str | None] = {}
    for item in manifest.get("config") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            name = item["name"]
            value = config_value(environment, app, name)
            if is_reference(value):
                value = marker(name)
            elif value is not None and is_secret(name, value, declared):
                value = None
            elif value is None and item.get("default") is not None and name not in declared:
                value = str(item["default"])
            values[name] = value
    return values


def missing_config(environment: Environment, app: str, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Required config values without a default that the environment does not set."""
    missing = []
    for item in manifest.get("config") or ():
        if not isinstance(item, dict) or not item.get("required") or item.get("default") is not None:
            continue
        value = config_value(environment, app, item["name"])
        if value is None or is_unresolved(value):
            missing.append({"app": app, "name": item["name"], "description": str(item.get("description") or ""),
                            "example": None if item.get("example") is None else str(item["example"])})
    return missing


#: Renders a release's chart for an environment: ``(severity, message, Helm's own words)`` when it fails.
ChartCheck = Callable[[Environment, Release], tuple[str, str, str] | None]


class PlanChecks:
    def __init__(self, session: Session, environment: Environment, caller: Caller,
                 chart_check: ChartCheck | None = None) -> None:
        self.session = session
        self.environment = environment
        self.caller = caller
        self.chart_check = chart_check  # without one, charts are not rendered (bundles still are)

    def check(self, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        releases = self._releases([s["releaseId"] for s in steps])
        ran_before = self._ran_in_source([s["releaseId"] for s in steps if s["action"] in CHANGES])
        policy = DownloadPolicy(self.session)
        source = self.environment.promote_from
        problems: list[dict[str, Any]] = []
        for step in steps:
            release = releases[step["releaseId"]]
            step["sha256"] = release.artifact_sha256
            step["namespace"] = app_namespace(self.environment, step["app"])
            step["secrets"] = step_secrets(self.environment, step["app"], release.manifest)
            label = f"{step['app']} {step['version']}"
            if step["action"] == "keep":
                step["missingConfig"], step["promotion"] = [], None
                step["external"] = {"services": [], "apis": []}
                if release.yanked:
                    reason = release.yanks[-1].reason if release.yanks else ""
                    problems.append(_warning("plan.keeps-yanked", f"{label} stays installed although it is yanked "
                                             f"({reason}); no other release fits the plan.", step, reason=reason))
                continue
            refusal = policy.refusal(release, self.caller.organisation_id)
            if refusal:
                problems.append(_problem("plan.needs-entitlement", f"{label} {refusal}.", step,
                                         vendor=release.app.organisation.slug))
            step["missingConfig"] = missing_config(self.environment, step["app"], release.manifest)
            for code, message, name in secret_problems(self.environment, step["app"], release.manifest):
                problems.append(_problem(code, f"{label}: {message}", step, name=name))
            for item in step["missingConfig"]:
                problems.append(_problem("plan.missing-config", f"{label} needs config value `{item['name']}`; "
                                         f"set it in the environment's `config` or `appConfig.{step['app']}`.", step,
                                         name=item["name"]))
            problems += self._external(release, label, step)
            if self.chart_check is not None and not step["missingConfig"]:
                problems += self._chart(self.chart_check, release, label, step)
            step["promotion"] = None
            if source is not None:
                met = release.id in ran_before
                step["promotion"] = {"from": source.name, "met": met}
                if not met:
                    problems.append(_problem("plan.promotion", f"{label} has not run in `{source.name}` yet; "
                                             f"install it there first: `{self.environment.name}` promotes "
                                             f"from `{source.name}`.", step,
                                             source=source.name, environment=self.environment.name))
        return problems

    def _external(self, release: Release, label: str, step: dict[str, Any]) -> list[dict[str, Any]]:
        """Services the municipality brings need their config value; external APIs need its confirmation."""
        problems = []
        confirmed = set(self.environment.confirmed_apis or ())
        missing = {item["name"] for item in step["missingConfig"]}
        services = [n for n in service_needs(release.manifest) if n.provider == MUNICIPALITY]
        apis = external_apis(release.manifest)
        step["external"] = {
            "services": [{"service": n.name, "config": n.config, "set": self._is_set(step["app"], n.config)}
                         for n in services],
            "apis": [{"api": a.api, "description": a.description, "confirmed": a.api in confirmed} for a in apis],
        }
        for item in step["external"]["services"]:
            if not item["set"] and item["config"] not in missing:
                problems.append(_problem(
                    "plan.external-service", f"{label} uses a {item['service']} the municipality brings itself; "
                    f"set config value `{item['config']}` to where it runs, in the environment's `config` or "
                    f"`appConfig.{step['app']}`.", step, service=item["service"], name=item["config"]))
        for item in step["external"]["apis"]:
            if not item["confirmed"]:
                problems.append(_problem(
                    "plan.external-api", f"{label} calls the external API {item['api']}; confirm that "
                    f"`{self.environment.name}` has access to it by adding {item['api']} to the environment's "
                    "`confirmedApis`.", step, api=item["api"], environment=self.environment.name))
        return problems

    def _is_set(self, app: str, name: str | None) -> bool:
        value = config_value(self.environment, app, name) if name is not None else None
        return value is not None and not is_unresolved(value)

    def _chart(self, chart_check: ChartCheck, release: Release, label: str,
               step: dict[str, Any]) -> list[dict[str, Any]]:
        found = chart_check(self.environment, release)
        if found is None:
            return []
        severity, message, detail = found
        make = _problem if severity == "error" else _warning
        return [make("plan.chart-does-not-render", f"{label}: {message}", step, detail=detail, severity=severity)]

    def _releases(self, ids: list[int]) -> dict[int, Release]:
        rows = self.session.scalars(
            select(Release).where(Release.id.in_(ids))
            .options(selectinload(Release.app).selectinload(App.organisation), selectinload(Release.yanks)))
        return {r.id: r for r in rows}

    def _ran_in_source(self, ids: list[int]) -> set[int]:
        source = self.environment.promote_from
        if source is None or not ids:
            return set()
        return set(self.session.scalars(
            select(InstallationEvent.release_id).where(
                InstallationEvent.environment_id == source.id, InstallationEvent.release_id.in_(ids),
                InstallationEvent.action != REMOVED)))


def _problem(code: str, message: str, step: dict[str, Any], **data: str) -> dict[str, Any]:
    """A problem of ``step``: ``message`` in English for the API, ``data`` (with the
    step's app and version) for the words of the message catalogues (``sdk.messages``)."""
    return {"code": code, "severity": "error", "message": message, "app": step["app"],
            "data": {"app": step["app"], "version": step["version"], **data}}


def _warning(code: str, message: str, step: dict[str, Any], **data: str) -> dict[str, Any]:
    return {**_problem(code, message, step, **data), "severity": "warning"}
