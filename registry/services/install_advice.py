"""Advice for installing one app: how it fits each of a municipality's
environments, and which config values a plan still needs from a person.

The fit is the compatibility verdict of the app's latest release on the
profile each environment runs; the values are those a plan lists as missing,
each marked secret or not, so that a page asks a Secret's name and key for a
secret and never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import NotFound
from registry.models import App, CompatibilityRecord, Environment, InstallPlanRecord, Release
from registry.services.config_lookup import config_value
from registry.services.plan_checks import CHANGES
from registry.services.secrets import is_secret, secret_entries
from sdk.secrets import is_unresolved, looks_like_secret_name

RUNS, MISSES_POLICY, DOES_NOT_RUN, NOT_VERIFIED = "runs", "misses-policy", "does-not-run", "not-verified"


@dataclass(frozen=True)
class EnvironmentFit:
    """How the app's latest release fits one environment's platform profile."""

    environment: Environment
    verdict: str  # see fit_of
    failed_policies: list[str]


@dataclass(frozen=True)
class MissingValue:
    """A config value an app in the plan needs and the environment does not set."""

    app: str
    name: str
    description: str
    example: str | None
    secret: bool  # asked as a reference to a Kubernetes Secret, never as a value


def latest_release(session: Session, app_id: str) -> Release:
    release = session.scalars(select(Release).join(App, Release.app_id == App.id).where(
        App.slug == app_id, Release.version == App.latest_version)).first()
    if release is None:
        raise NotFound(f"There is no app `{app_id}` with a release to install.")
    return release


def fits(session: Session, release: Release, environments: list[Environment]) -> list[EnvironmentFit]:
    """Per environment, the verdict of ``release`` on its profile."""
    records = {c.profile_id: c for c in session.scalars(
        select(CompatibilityRecord).where(CompatibilityRecord.release_id == release.id))}
    return [fit_of(e, records.get(e.profile_id)) for e in environments]


def fit_of(environment: Environment, record: CompatibilityRecord | None) -> EnvironmentFit:
    """``runs`` (and meets every policy), ``misses-policy`` (runs, but misses a
    policy the profile enforces), ``does-not-run``, or ``not-verified`` there."""
    if record is None:
        return EnvironmentFit(environment, NOT_VERIFIED, [])
    if not record.runs:
        return EnvironmentFit(environment, DOES_NOT_RUN, [])
    if not record.meets_policy:
        return EnvironmentFit(environment, MISSES_POLICY, list(record.failed_policies or []))
    return EnvironmentFit(environment, RUNS, [])


def missing_values(session: Session, plan: InstallPlanRecord) -> list[MissingValue]:
    """The values the plan's steps still need, each once, in the plan's order: required
    ones, those of services the municipality brings itself, and secrets that must become a
    reference (held in clear, or removed for that reason)."""
    found: dict[tuple[str, str], MissingValue] = {}
    for step in plan.result.get("steps") or ():
        if step.get("action") not in CHANGES:
            continue
        release = session.get(Release, step["releaseId"])
        declared = secret_entries(release.manifest if release is not None else None)
        wanted = [(m["name"], m.get("description") or "", m.get("example"), False)
                  for m in step.get("missingConfig") or ()]
        wanted += [(s["config"], "", None, False) for s in (step.get("external") or {}).get("services") or ()
                   if not s.get("set") and s.get("config")]
        wanted += [(name, "", None, True) for name in _secrets_to_name(plan.environment, step["app"], release)]
        for name, description, example, secret in wanted:
            secret = secret or name in declared or looks_like_secret_name(name)
            found.setdefault((step["app"], name), MissingValue(step["app"], name, description, example, secret))
    return list(found.values())


def _secrets_to_name(environment: Environment, app: str, release: Release | None) -> list[str]:
    """Secrets the environment holds in clear, or lost for that reason: a reference must replace them."""
    if release is None:
        return []
    declared = secret_entries(release.manifest)
    names = []
    for item in (release.manifest or {}).get("config") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            value = config_value(environment, app, item["name"])
            if is_unresolved(value) or (isinstance(value, str) and is_secret(item["name"], value, declared)):
                names.append(item["name"])
    return names


def with_values(app_config: Mapping[str, Any] | None, supplied: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The environment's per-app values with ``supplied`` added (what the API's PATCH
    of ``appConfig`` would hold): other apps' values stay as they are."""
    merged = {app: dict(values or {}) for app, values in (app_config or {}).items()}
    for app, values in supplied.items():
        merged.setdefault(app, {}).update(values)
    return merged
