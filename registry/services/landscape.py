"""A municipality's own landscape, for its signed-in members: its environments,
what runs in each, what can be updated, and the install plans made for them.

One place that the web pages call, so that each view calls one service. The
caller decides what is allowed: any member may look and plan, only owners and
maintainers (a manager's caller) record installs; another organisation's caller
gets 403 from :func:`own_organisation` before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Environment, Installation, InstallationEvent, InstallPlanRecord, Release, User
from registry.services.bundles import BundleItem, BundleService
from registry.services.environments import EnvironmentService, own_organisation
from registry.services.install_advice import (
    EnvironmentFit,
    MissingValue,
    fits,
    latest_release,
    missing_values,
    with_values,
)
from registry.services.installations import InstallationService
from registry.services.planning import PlanRequest, PlanService
from registry.services.profiles import ProfileService
from registry.services.tokens import Caller
from registry.services.updates import Update, UpdateService
from registry.storage import ArtifactStore

USER_ACTOR = re.compile(r"^[a-z0-9-]+:user-(\d+)$")


@dataclass(frozen=True)
class InstalledApp:
    installation: Installation
    update: Update
    changed_by: str | None  # who recorded the latest change: a person's name, or the token's actor


@dataclass(frozen=True)
class EnvironmentOverview:
    environment: Environment
    installed: list[InstalledApp]
    apps: list[tuple[str, str]]  # (id, name) of the catalogue's apps, to plan an install of


class LandscapeService:
    def __init__(self, session: Session, caller: Caller, store: ArtifactStore | None = None) -> None:
        self.session = session
        self.caller = caller
        self.store = store  # lets plans render charts with the environment's values

    def environments(self, slug: str) -> list[Environment]:
        return EnvironmentService(self.session).list(own_organisation(self.session, slug, self.caller))

    def environment(self, slug: str, name: str) -> Environment:
        organisation = own_organisation(self.session, slug, self.caller)
        return EnvironmentService(self.session).get(organisation, name)

    def overview(self, slug: str, name: str) -> EnvironmentOverview:
        environment = self.environment(slug, name)
        updates = {u.app: u for u in UpdateService(self.session).updates(environment)}
        installed = InstallationService(self.session).installed(environment)
        actors = self._latest_actors(environment)
        names = self._people(actors.values())
        rows = [InstalledApp(i, updates[i.app.slug], _who(actors.get(i.app_id), names)) for i in installed]
        rows.sort(key=lambda row: not row.update.advisories)  # affected installs first: act on those today
        apps = [(slug, name) for slug, name in self.session.execute(
            select(App.slug, App.name).where(App.latest_version.is_not(None)).order_by(App.name))]
        return EnvironmentOverview(environment, rows, apps)

    def plan(self, slug: str, name: str, request: PlanRequest) -> InstallPlanRecord:
        return PlanService(self.session, self.store).plan(self.environment(slug, name), request, self.caller)

    def get_plan(self, slug: str, name: str, plan_id: int) -> InstallPlanRecord:
        return PlanService(self.session).get(self.environment(slug, name), plan_id)

    def record(self, slug: str, name: str, plan_id: int) -> list[InstallationEvent]:
        """Record the plan as applied; the caller must be one that manages the organisation."""
        environment = self.environment(slug, name)
        plan = PlanService(self.session).get(environment, plan_id)
        return InstallationService(self.session).record_plan(environment, plan, self.caller)

    def create_environment(self, slug: str, data: dict[str, Any]) -> Environment:
        organisation = own_organisation(self.session, slug, self.caller)
        return EnvironmentService(self.session).create(organisation, data, self.caller.actor)

    def change_environment(self, slug: str, name: str, data: dict[str, Any]) -> Environment:
        organisation = own_organisation(self.session, slug, self.caller)
        return EnvironmentService(self.session).update(organisation, name, data, self.caller.actor)

    def archive_environment(self, slug: str, name: str) -> None:
        organisation = own_organisation(self.session, slug, self.caller)
        EnvironmentService(self.session).archive(organisation, name, self.caller.actor)

    def fits(self, slug: str, app_id: str) -> tuple[Release, list[EnvironmentFit]]:
        """The app's latest release, and how it fits each of the organisation's environments."""
        environments = self.environments(slug)
        release = latest_release(self.session, app_id)
        return release, fits(self.session, release, environments)

    def profiles(self) -> list[tuple[str, str]]:
        """(slug, name) of the active platform profiles an environment may run."""
        return [(r.slug, r.name) for r in ProfileService(self.session).records(include_retired=False)]

    def missing_values(self, plan: InstallPlanRecord) -> list[MissingValue]:
        return missing_values(self.session, plan)

    def supply(self, slug: str, name: str, plan_id: int, values: dict[str, dict[str, Any]]) -> InstallPlanRecord:
        """Set per-app config values in the environment (as the API's PATCH of ``appConfig``
        does; a manager's caller) and make the plan again with the same request."""
        organisation = own_organisation(self.session, slug, self.caller)
        environments = EnvironmentService(self.session)
        environment = environments.get(organisation, name)
        previous = PlanService(self.session).get(environment, plan_id)
        environments.update(organisation, name, {"appConfig": with_values(environment.app_config, values)},
                            self.caller.actor)
        asked = previous.request  # checked when the plan was made
        return self.plan(slug, name, PlanRequest(asked["app"], asked.get("version"), dict(asked.get("choices") or {})))

    def bundle(self, slug: str, name: str, plan_id: int,
               *, method: str = "GET") -> tuple[InstallPlanRecord, list[BundleItem]]:
        """A ready plan's rendered manifests (through the download door, as the API's bundle)."""
        if self.store is None:
            raise RuntimeError("a bundle reads the packages from the artifact store; pass one")
        environment = self.environment(slug, name)
        plan = PlanService(self.session).get(environment, plan_id)
        return plan, BundleService(self.session, self.store).bundle(environment, plan, self.caller, method=method)

    def _latest_actors(self, environment: Environment) -> dict[int, str]:
        rows = self.session.execute(
            select(InstallationEvent.app_id, InstallationEvent.actor)
            .where(InstallationEvent.environment_id == environment.id).order_by(InstallationEvent.id))
        return {app_id: actor for app_id, actor in rows}  # the latest event per app wins

    def _people(self, actors: Iterable[str]) -> dict[int, str]:
        ids = {int(m.group(1)) for a in actors if (m := USER_ACTOR.match(a))}
        if not ids:
            return {}
        return {i: n for i, n in self.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def _who(actor: str | None, names: dict[int, str]) -> str | None:
    if actor is None:
        return None
    found = USER_ACTOR.match(actor)
    return names.get(int(found.group(1)), actor) if found else actor
