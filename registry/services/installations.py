"""What runs where: the installed set per environment, its append-only history,
and the adoption figures that the catalogue shows (counts, and names only of
municipalities that chose to be named)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Select, Subquery, distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, NotFound
from registry.models import (
    DOWNGRADED,
    INSTALLED,
    REMOVED,
    UPGRADED,
    App,
    Environment,
    Installation,
    InstallationEvent,
    InstallPlanRecord,
    Organisation,
    OrganisationPreference,
    Release,
    utcnow,
)
from registry.services import audit
from registry.services.planning import READY
from registry.services.tokens import Caller
from registry.services.webhooks import events as webhook_events
from sdk.versions import sort_key

PRODUCTION = "production"
ACTION_OF_STEP = {"install": INSTALLED, "upgrade": UPGRADED, "downgrade": DOWNGRADED}


@dataclass(frozen=True)
class Adoption:
    count: int
    names: list[str]


class InstallationService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def installed(self, environment: Environment) -> list[Installation]:
        return list(self.session.scalars(
            select(Installation).where(Installation.environment_id == environment.id)
            .options(selectinload(Installation.app),
                     selectinload(Installation.release).selectinload(Release.yanks))
            .order_by(Installation.id)))

    def history(self, environment: Environment) -> list[InstallationEvent]:
        return list(self.session.scalars(
            select(InstallationEvent).where(InstallationEvent.environment_id == environment.id)
            .options(selectinload(InstallationEvent.app), selectinload(InstallationEvent.release),
                     selectinload(InstallationEvent.previous_release))
            .order_by(InstallationEvent.id)))

    def record_plan(self, environment: Environment, plan: InstallPlanRecord, caller: Caller) -> list[InstallationEvent]:
        """Record that the plan's changes were applied, in its order."""
        if plan.status != READY:
            raise Conflict(f"Plan {plan.id} is {plan.status}, so it cannot have been applied; "
                           "solve its problems and make a new plan.")
        current = {i.app.slug: i for i in self.installed(environment)}
        changes = [s for s in plan.result["steps"] if s["action"] in ACTION_OF_STEP]
        if all(s["app"] in current and current[s["app"]].release_id == s["releaseId"] for s in changes):
            return []  # recorded already: recording twice changes nothing
        for step in changes:
            now = current.get(step["app"])
            if (now.release.version if now else None) != step["installedVersion"]:
                raise Conflict(f"`{environment.name}` changed since plan {plan.id} was made "
                               f"({step['app']} is now {now.release.version if now else 'not installed'}); "
                               "make a new plan.")
        with _one_recording_at_a_time(self.session, environment):
            events = [event for s in changes
                      if (event := self._set(environment, self.session.get_one(Release, s["releaseId"]), caller,
                                             plan.id)) is not None]
        return events

    def record_release(self, environment: Environment, app_id: str, version: str, caller: Caller) -> InstallationEvent:
        """Record one release as running, e.g. one installed before the registry knew the environment."""
        release = self.session.scalars(select(Release).join(App).where(
            App.slug == app_id, Release.version == version)).first()
        if release is None:
            raise NotFound(f"There is no release {version} of `{app_id}`.")
        with _one_recording_at_a_time(self.session, environment):
            event = self._set(environment, release, caller, None)
            if event is None:
                raise Conflict(f"{app_id} {version} is recorded in `{environment.name}` already.")
        return event

    def remove(self, environment: Environment, app_id: str, caller: Caller) -> InstallationEvent:
        installation = next((i for i in self.installed(environment) if i.app.slug == app_id), None)
        if installation is None:
            raise NotFound(f"`{app_id}` is not installed in `{environment.name}`.")
        event = InstallationEvent(environment_id=environment.id, app_id=installation.app_id,
                                  release_id=installation.release_id, action=REMOVED, actor=caller.actor)
        self.session.add(event)
        self.session.delete(installation)
        audit.record(self.session, caller.actor, "installation.remove", _subject(environment, app_id),
                     version=installation.release.version)
        webhook_events.installation_recorded(self.session, environment, app_id, REMOVED, None,
                                             installation.release.version, None)
        self.session.flush()
        return event

    def _set(self, environment: Environment, release: Release, caller: Caller,
             plan_id: int | None) -> InstallationEvent | None:
        installation = self.session.scalars(select(Installation).where(
            Installation.environment_id == environment.id, Installation.app_id == release.app_id)).first()
        previous = installation.release if installation else None
        if previous is not None and previous.id == release.id:
            return None
        if installation is None or previous is None:  # an installation always has its release
            action = INSTALLED
            self.session.add(Installation(environment_id=environment.id, app_id=release.app_id, release_id=release.id))
        else:
            action = UPGRADED if sort_key(release.version) > sort_key(previous.version) else DOWNGRADED
            installation.release_id = release.id
            installation.updated_at = utcnow()
        event = InstallationEvent(environment_id=environment.id, app_id=release.app_id, release_id=release.id,
                                  previous_release_id=previous.id if previous else None, action=action,
                                  plan_id=plan_id, actor=caller.actor)
        self.session.add(event)
        audit.record(self.session, caller.actor, f"installation.{action}", _subject(environment, release.app.slug),
                     version=release.version, previous=previous.version if previous else None, plan=plan_id)
        webhook_events.installation_recorded(self.session, environment, release.app.slug, action, release.version,
                                             previous.version if previous else None, plan_id)
        self.session.flush()
        return event


class AdoptionService:
    """How many municipalities run an app in production; names only of those that allow it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, app: App) -> Adoption:
        running = (_in_production(select(Organisation.id, Organisation.name, OrganisationPreference.show_in_adoption))
                   .outerjoin(OrganisationPreference, OrganisationPreference.organisation_id == Organisation.id)
                   .where(Installation.app_id == app.id)
                   .distinct())
        rows = self.session.execute(running).all()
        return Adoption(count=len({r[0] for r in rows}), names=sorted({r[1] for r in rows if r[2]}))


def adoption_counts() -> Subquery:
    """Per app, how many municipalities run it in production: ``app_id``, ``count``."""
    statement = _in_production(select(Installation.app_id, func.count(distinct(Organisation.id)).label("count")))
    return statement.group_by(Installation.app_id).subquery("adoption")


def _in_production(statement: Select) -> Select:
    """``statement`` over municipalities' installations in production environments still in use."""
    return (statement.select_from(Organisation)
            .join(Environment, Environment.organisation_id == Organisation.id)
            .join(Installation, Installation.environment_id == Environment.id)
            .where(Environment.stage == PRODUCTION, Environment.archived_at.is_(None),
                   Organisation.kind == "municipality"))


class PreferenceService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, organisation: Organisation) -> OrganisationPreference:
        found = self.session.get(OrganisationPreference, organisation.id)
        return found or OrganisationPreference(organisation_id=organisation.id, show_in_adoption=False)

    def update(self, organisation: Organisation, show_in_adoption: bool, actor: str) -> OrganisationPreference:
        """Whether apps name ``organisation`` among those that run them in production."""
        preference = self.session.get(OrganisationPreference, organisation.id)
        if preference is None:
            preference = OrganisationPreference(organisation_id=organisation.id)
            self.session.add(preference)
        preference.show_in_adoption = show_in_adoption
        preference.updated_at = utcnow()
        audit.record(self.session, actor, "organisation.preferences", organisation.slug,
                     showInAdoption=preference.show_in_adoption)
        self.session.flush()
        return preference


@contextmanager
def _one_recording_at_a_time(session: Session, environment: Environment) -> Iterator[None]:
    """Two recordings of a first install of one app race for the same row; the
    unique constraint lets one win, and the other is told to look again (409);
    the request's unit of work is then rolled back."""
    name = environment.name
    try:
        yield
    except IntegrityError:
        raise Conflict(f"`{name}` was changed by another recording at the same moment; "
                       "list its installations and record again if still needed.") from None


def _subject(environment: Environment, app: str) -> str:
    return f"{environment.organisation.slug}/{environment.name}/{app}"
