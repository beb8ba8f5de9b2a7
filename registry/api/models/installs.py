"""Answers about a municipality's environments, install plans, bundles, installed apps,
their history and updates, and its settings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from registry.api.models.advisories import AdvisoryNote
from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.models.catalogue import YankNote
from registry.api.timestamps import timestamp
from registry.models import ENVIRONMENT_STAGES, InstallPlanRecord, OrganisationPreference
from registry.models import Environment as EnvironmentRecord
from registry.models import Installation as InstallationRecord
from registry.models import InstallationEvent as EventRecord
from registry.public_urls import external_url_for
from registry.services import bundles, updates
from registry.services.namespaces import namespaces_json
from registry.services.secrets import attention

#: Step facts that stay inside the registry.
INTERNAL_STEP_KEYS = ("releaseId",)

ConfigValue = str | dict[str, Any]
CONFIG_DESCRIPTION = ("Text, or a reference to a Kubernetes Secret in the app's namespace "
                      '({"secretName": ..., "key": ...}); {"unresolved": true} where a secret was stored in '
                      "clear and removed. A secret's value is never sent to the registry.")


class Namespaces(ApiModel):
    mode: Literal["per-app", "shared"] = Field(
        description="per-app: each app in namespace PREFIX+APP-ID (the default); shared: every app in the "
                    "`namespace` config value, else the environment's name.")
    prefix: str


class Attention(ApiModel):
    code: str
    name: str
    app: str


class Environment(ApiModel):
    name: str
    organisation: str
    stage: Literal[ENVIRONMENT_STAGES]  # type: ignore[valid-type]
    profile: str = Field(description="The platform profile the environment runs.")
    config: dict[str, ConfigValue] = Field(description="Config values shared by every app. " + CONFIG_DESCRIPTION)
    app_config: dict[str, dict[str, ConfigValue]] = Field(description="Config values per app id; they win "
                                                                       "over `config`.")
    namespaces: Namespaces
    needs_attention: list[Attention]
    promote_from: str | None = Field(description="An environment a release must have run in first.")
    confirmed_apis: list[str] = Field(description="External APIs (brp, kvk, bag) the municipality confirms "
                                                  "this environment has access to.")
    created_at: Moment
    updated_at: Moment
    links: Links

    @classmethod
    def of(cls, env: EnvironmentRecord) -> Environment:
        org = env.organisation.slug
        return cls(
            name=env.name, organisation=org, stage=env.stage, profile=env.profile.slug, config=dict(env.config or {}),
            app_config={app: dict(values) for app, values in (env.app_config or {}).items()},
            namespaces=Namespaces(**namespaces_json(env)), needs_attention=attention(env),
            promote_from=env.promote_from.name if env.promote_from else None,
            confirmed_apis=list(env.confirmed_apis or ()), created_at=timestamp(env.created_at),
            updated_at=timestamp(env.updated_at),
            links={
                "self": external_url_for("api.get_environment", org=org, env=env.name),
                "plans": external_url_for("api.create_plan", org=org, env=env.name),
                "installations": external_url_for("api.list_installations", org=org, env=env.name),
                "updates": external_url_for("api.list_updates", org=org, env=env.name),
            })


class EnvironmentList(ListOf[Environment]):
    """The organisation's environments."""


class SecretUse(ApiModel):
    """A secret the files refer to by the marker ${secret:NAME}; `appstore install` fills it locally."""

    model_config = ConfigDict(extra="allow")

    name: str
    value: str
    reference: dict[str, Any]


class PlanStep(ApiModel):
    """One release to install, upgrade, downgrade or keep, in dependency order."""

    model_config = ConfigDict(extra="allow")  # further facts the plan checks add

    app: str
    version: str
    action: Literal["install", "upgrade", "downgrade", "keep"]
    installed_version: str | None
    required_by: list[str]
    provides: list[str]
    compatible: bool | None = None
    yanked: bool = False
    sha256: str
    missing_config: list[dict[str, Any]] = []
    external: dict[str, list[dict[str, Any]]] = Field(
        default={}, description="Services the municipality brings (their config value set or not) and "
                                "external APIs the app calls (confirmed or not).")
    namespace: str | None = Field(None, description="The namespace the app's objects go to.")
    secrets: list[SecretUse] = []
    promotion: dict[str, Any] | None = None


class Choice(ApiModel):
    api: str
    required_by: list[str] = []
    providers: list[str]


class PlanProblem(ApiModel):
    model_config = ConfigDict(extra="allow")

    code: str
    severity: Literal["error", "warning"]
    message: str
    app: str | None = None
    apps: list[str] | None = Field(None, description="plan.collision: the two apps that collide.")


class Plan(ApiModel):
    id: int
    organisation: str
    environment: str
    profile: str
    request: dict[str, Any]
    status: Literal["ready", "blocked", "needs-choice", "impossible"]
    ready: bool
    steps: list[PlanStep]
    choices: list[Choice]
    problems: list[PlanProblem]
    created_at: Moment
    created_by: str
    links: Links

    @classmethod
    def of(cls, record: InstallPlanRecord) -> Plan:
        env, result = record.environment, record.result
        org = env.organisation.slug
        return cls(
            id=record.id, organisation=org, environment=env.name, profile=env.profile.slug, request=record.request,
            status=result["status"], ready=result["ready"],
            steps=[{k: v for k, v in step.items() if k not in INTERNAL_STEP_KEYS} for step in result["steps"]],
            choices=result["choices"], problems=result["problems"], created_at=timestamp(record.created_at),
            created_by=record.created_by,
            links={
                "self": external_url_for("api.get_plan", org=org, env=env.name, plan_id=record.id),
                "bundle": external_url_for("api.get_bundle", org=org, env=env.name, plan_id=record.id),
            })

    def to_json(self) -> dict[str, Any]:
        """As stored: facts a step or problem does not have stay out, not null."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class BundleFile(ApiModel):
    path: str
    content: str


class BundleItem(ApiModel):
    app: str
    version: str
    action: str
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    namespace: str
    secrets: list[SecretUse]
    files: list[BundleFile]
    warnings: list[str]


class Bundle(ApiModel):
    plan: int
    environment: str
    items: list[BundleItem]

    @classmethod
    def of(cls, record: InstallPlanRecord, items: list[bundles.BundleItem]) -> Bundle:
        return cls(plan=record.id, environment=record.environment.name, items=[
            BundleItem(app=i.app, version=i.version, action=i.action, sha256=i.sha256, namespace=i.namespace,
                       secrets=i.secrets, files=i.files, warnings=i.warnings) for i in items])


class Installation(ApiModel):
    app: str
    version: str
    sha256: str
    installed_at: Moment
    updated_at: Moment
    yank: YankNote | None

    @classmethod
    def of(cls, item: InstallationRecord) -> Installation:
        release = item.release
        yank = release.yanks[-1] if release.yanked and release.yanks else None
        return cls(app=item.app.slug, version=release.version, sha256=release.artifact_sha256,
                   installed_at=timestamp(item.installed_at), updated_at=timestamp(item.updated_at),
                   yank=YankNote.of(yank))


class InstallationList(ListOf[Installation]):
    """The apps installed in an environment now."""


class InstallationEvent(ApiModel):
    app: str
    action: Literal["installed", "upgraded", "downgraded", "removed"]
    version: str
    previous_version: str | None
    plan: int | None
    actor: str
    at: Moment

    @classmethod
    def of(cls, item: EventRecord) -> InstallationEvent:
        return cls(app=item.app.slug, action=item.action, version=item.release.version,
                   previous_version=item.previous_release.version if item.previous_release else None,
                   plan=item.plan_id, actor=item.actor, at=timestamp(item.at))


class InstallationEventList(ListOf[InstallationEvent]):
    """Changes to an environment, oldest first."""


class Update(ApiModel):
    app: str
    installed: str
    patch: str | None
    minor: str | None
    major: str | None
    yank: YankNote | None
    runs_on_profile: bool | None
    advisories: list[AdvisoryNote] = Field(description="Security advisories in force that affect the installed "
                                                       "release.")
    upgrade_to: str | None = Field(description="For an affected install: the fixed version, or the newest "
                                               "release that no advisory affects.")
    needs_attention: bool

    @classmethod
    def of(cls, item: updates.Update) -> Update:
        yank = item.yank
        return cls(app=item.app, installed=item.installed, patch=item.patch, minor=item.minor, major=item.major,
                   yank=YankNote(reason=yank["reason"], yanked_at=timestamp(yank["yankedAt"])) if yank else None,
                   runs_on_profile=item.runs_on_profile, advisories=[AdvisoryNote.of(a) for a in item.advisories],
                   upgrade_to=item.upgrade_to, needs_attention=item.needs_attention)


class UpdateList(ListOf[Update]):
    needs_attention: int = Field(ge=0)


class OrganisationSettings(ApiModel):
    organisation: str
    show_in_adoption: bool = Field(description="Whether apps name this municipality among those running them.")

    @classmethod
    def of(cls, slug: str, preference: OrganisationPreference) -> OrganisationSettings:
        return cls(organisation=slug, show_in_adoption=bool(preference.show_in_adoption))
