"""JSON shapes of environments, plans, bundles, installations and updates (camelCase keys)."""

from __future__ import annotations

from typing import Any

from registry.api.timestamps import timestamp
from registry.models import Environment, Installation, InstallationEvent, InstallPlanRecord, OrganisationPreference
from registry.public_urls import external_url_for
from registry.services.bundles import BundleItem
from registry.services.installations import Adoption
from registry.services.namespaces import namespaces_json
from registry.services.secrets import attention
from registry.services.updates import Update

INTERNAL_STEP_KEYS = ("releaseId",)


def environment(env: Environment) -> dict[str, Any]:
    org = env.organisation.slug
    return {
        "name": env.name,
        "organisation": org,
        "stage": env.stage,
        "profile": env.profile.slug,
        "config": dict(env.config or {}),
        "appConfig": {app: dict(values) for app, values in (env.app_config or {}).items()},
        "namespaces": namespaces_json(env),
        "needsAttention": attention(env),
        "promoteFrom": env.promote_from.name if env.promote_from else None,
        "confirmedApis": list(env.confirmed_apis or ()),
        "createdAt": timestamp(env.created_at),
        "updatedAt": timestamp(env.updated_at),
        "links": {
            "self": external_url_for("api.get_environment", org=org, env=env.name),
            "plans": external_url_for("api.create_plan", org=org, env=env.name),
            "installations": external_url_for("api.list_installations", org=org, env=env.name),
            "updates": external_url_for("api.list_updates", org=org, env=env.name),
        },
    }


def plan(record: InstallPlanRecord) -> dict[str, Any]:
    env = record.environment
    org = env.organisation.slug
    result = record.result
    steps = [{k: v for k, v in step.items() if k not in INTERNAL_STEP_KEYS} for step in result["steps"]]
    return {
        "id": record.id,
        "organisation": org,
        "environment": env.name,
        "profile": env.profile.slug,
        "request": record.request,
        "status": result["status"],
        "ready": result["ready"],
        "steps": steps,
        "choices": result["choices"],
        "problems": result["problems"],
        "createdAt": timestamp(record.created_at),
        "createdBy": record.created_by,
        "links": {
            "self": external_url_for("api.get_plan", org=org, env=env.name, plan_id=record.id),
            "bundle": external_url_for("api.get_bundle", org=org, env=env.name, plan_id=record.id),
        },
    }


def bundle(record: InstallPlanRecord, items: list[BundleItem]) -> dict[str, Any]:
    return {
        "plan": record.id,
        "environment": record.environment.name,
        "items": [{"app": i.app, "version": i.version, "action": i.action, "sha256": i.sha256,
                   "namespace": i.namespace, "secrets": i.secrets, "files": i.files, "warnings": i.warnings}
                  for i in items],
    }


def installation(item: Installation) -> dict[str, Any]:
    release = item.release
    yank = release.yanks[-1] if release.yanked and release.yanks else None
    return {
        "app": item.app.slug,
        "version": release.version,
        "sha256": release.artifact_sha256,
        "installedAt": timestamp(item.installed_at),
        "updatedAt": timestamp(item.updated_at),
        "yank": {"reason": yank.reason, "yankedAt": timestamp(yank.created_at)} if yank else None,
    }


def event(item: InstallationEvent) -> dict[str, Any]:
    return {
        "app": item.app.slug,
        "action": item.action,
        "version": item.release.version,
        "previousVersion": item.previous_release.version if item.previous_release else None,
        "plan": item.plan_id,
        "actor": item.actor,
        "at": timestamp(item.at),
    }


def update(item: Update) -> dict[str, Any]:
    yank = item.yank
    return {
        "app": item.app,
        "installed": item.installed,
        "patch": item.patch,
        "minor": item.minor,
        "major": item.major,
        "yank": {"reason": yank["reason"], "yankedAt": timestamp(yank["yankedAt"])} if yank else None,
        "runsOnProfile": item.runs_on_profile,
        "needsAttention": item.needs_attention,
    }


def preferences(slug: str, preference: OrganisationPreference) -> dict[str, Any]:
    return {"organisation": slug, "showInAdoption": bool(preference.show_in_adoption)}


def adoption(item: Adoption) -> dict[str, Any]:
    return {"count": item.count, "names": item.names}
