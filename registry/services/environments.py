"""Environments of a municipality: test, acceptance, production, each on a platform profile.

Only the organisation's own token reads or changes them; every other caller
gets 403, whether the environment exists or not, so nothing about another
organisation's landscape leaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.models import (
    ENVIRONMENT_STAGES,
    PROFILE_ACTIVE,
    Environment,
    Installation,
    Organisation,
    PlatformProfileRecord,
    utcnow,
)
from registry.services import audit
from registry.services.namespaces import apply_namespaces
from registry.services.secrets import clear_values_problems, declared_secrets, installed_apps
from registry.services.tokens import Caller
from registry.transactions import savepoint
from sdk.manifest import is_slug
from sdk.problems import InvalidParam
from sdk.render import NAME

FIELDS = {"name", "stage", "profile", "config", "appConfig", "promoteFrom", "namespaces", "confirmedApis"}
MAX_CONFIRMED_APIS = 200
MAX_VALUE = 2000


def own_organisation(session: Session, slug: str, caller: Caller) -> Organisation:
    """The organisation ``slug`` if the caller acts for it: 404 unknown, 403 someone else's."""
    organisation = session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None:
        raise NotFound(f"There is no organisation `{slug}`.", page_code="organisation.not-found",
                       page_data={"organisation": slug})
    if organisation.id != caller.organisation_id:
        raise Forbidden(f"Only `{slug}` sees and changes its own environments and installations; "
                        "use a token of that organisation.",
                        page_code="environment.not-yours", page_data={"organisation": slug})
    return organisation


# Named, because in the service's own signatures `list` is its method, not the builtin.
Problems = list[str]  # one sentence per problem
InvalidParams = list[InvalidParam]


class EnvironmentService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self, organisation: Organisation) -> list[Environment]:
        return list(self.session.scalars(
            select(Environment).where(Environment.organisation_id == organisation.id,
                                      Environment.archived_at.is_(None))
            .options(selectinload(Environment.profile), selectinload(Environment.promote_from))
            .order_by(Environment.id)))

    def get(self, organisation: Organisation, name: str) -> Environment:
        environment = self._find(organisation, name)
        if environment is None or environment.archived_at is not None:
            raise NotFound(f"`{organisation.slug}` has no environment `{name}`; "
                           f"list them with GET /api/v1/organisations/{organisation.slug}/environments.",
                           page_code="environment.not-found", page_data={"environment": name})
        return environment

    def create(self, organisation: Organisation, data: Mapping[str, Any], actor: str) -> Environment:
        if organisation.kind != "municipality":
            raise Forbidden(f"Only municipalities keep environments; `{organisation.slug}` is a {organisation.kind}.")
        problems = self._unknown(data)
        for key in ("name", "stage", "profile"):
            if key not in data:
                problems.append(InvalidParam(key, "required", f"`{key}` is required."))
        name = data.get("name")
        if name is not None and not is_slug(name, (2, 64)):
            problems.append(InvalidParam("name", "format",
                                         "`name` is a lowercase slug such as `test`, `acceptatie` or `productie`."))
        environment = Environment(organisation_id=organisation.id, name=name if isinstance(name, str) else "",
                                  config={}, app_config={}, confirmed_apis=[])
        problems += self._apply(organisation, environment, data)
        self._raise(problems)
        if self._find(organisation, environment.name) is not None:
            raise self._taken(organisation, environment.name)
        try:
            with savepoint(self.session):
                self.session.add(environment)
                self.session.flush()
        except IntegrityError:
            # Created by a concurrent request since _find looked: the unique
            # constraint decides, and the loser hears the same 409.
            raise self._taken(organisation, environment.name) from None
        audit.record(self.session, actor, "environment.create", f"{organisation.slug}/{environment.name}",
                     stage=environment.stage, profile=environment.profile.slug)
        return environment

    def update(self, organisation: Organisation, name: str, data: Mapping[str, Any], actor: str) -> Environment:
        environment = self.get(organisation, name)
        problems = self._unknown(data)
        if "name" in data and data["name"] != environment.name:
            problems.append(InvalidParam("name", "immutable",
                                         "An environment keeps its name; create a new one instead."))
        problems += self._apply(organisation, environment, data)
        self._raise(problems)
        environment.updated_at = utcnow()
        audit.record(self.session, actor, "environment.change", f"{organisation.slug}/{name}",
                     changed=sorted(k for k in data if k != "name"))
        return environment

    def archive(self, organisation: Organisation, name: str, actor: str) -> None:
        environment = self.get(organisation, name)
        running = self.session.scalars(select(Installation.id).where(
            Installation.environment_id == environment.id)).first()
        if running is not None:
            raise Conflict(f"Apps are installed in `{name}`; record their removal first "
                           "(DELETE .../installations/{app}).")
        followers = [e.name for e in self.list(organisation) if e.promote_from_id == environment.id]
        if followers:
            raise Conflict(f"{', '.join(followers)} promote(s) from `{name}`; change their `promoteFrom` first.")
        environment.archived_at = utcnow()
        audit.record(self.session, actor, "environment.archive", f"{organisation.slug}/{name}")

    @staticmethod
    def _taken(organisation: Organisation, name: str) -> Conflict:
        return Conflict(f"`{organisation.slug}` has (or had) an environment `{name}`; choose another name.")

    # -- validation ------------------------------------------------------------

    def _find(self, organisation: Organisation, name: str) -> Environment | None:
        return self.session.scalars(select(Environment).where(
            Environment.organisation_id == organisation.id, Environment.name == name)).first()

    @staticmethod
    def _unknown(data: Mapping[str, Any]) -> InvalidParams:
        return [InvalidParam(key, "unknown", f"Unknown field; the fields are {', '.join(sorted(FIELDS))}.")
                for key in sorted(set(data) - FIELDS)]

    def _apply(self, organisation: Organisation, environment: Environment,
               data: Mapping[str, Any]) -> InvalidParams:
        """Set the fields in ``data``; what is wrong with them, each under its field's name."""
        problems: dict[str, list[str]] = {}
        if "stage" in data:
            if data["stage"] in ENVIRONMENT_STAGES:
                environment.stage = data["stage"]
            else:
                problems["stage"] = [f"`stage` is one of {', '.join(ENVIRONMENT_STAGES)}."]
        if "profile" in data:
            profile = self._profile(data["profile"])
            if profile is None:
                problems["profile"] = [f"`profile` must name an active platform profile (GET /api/v1/profiles); "
                                       f"{data['profile']!r} is not one."]
            else:
                environment.profile = profile
        if "config" in data:
            values, bad = config_values(data["config"], "config")
            declared = set().union(*declared_secrets(self.session, installed_apps(self.session, environment)).values())
            problems["config"] = bad + clear_values_problems("config", values, declared)
            environment.config = values
        if "appConfig" in data:
            problems["appConfig"] = self._app_config(environment, data["appConfig"])
        if "namespaces" in data:
            problems["namespaces"] = apply_namespaces(environment, data["namespaces"])
        if "promoteFrom" in data:
            problems["promoteFrom"] = self._promotion(organisation, environment, data["promoteFrom"])
        if "confirmedApis" in data:
            problems["confirmedApis"] = self._confirmed_apis(environment, data["confirmedApis"])
        return [InvalidParam(key, "invalid", reason) for key, reasons in problems.items() for reason in reasons]

    @staticmethod
    def _confirmed_apis(environment: Environment, raw: Any) -> Problems:
        """External APIs (BRP, KVK, BAG) the municipality confirms this environment may use."""
        if (not isinstance(raw, list) or len(raw) > MAX_CONFIRMED_APIS
                or not all(is_slug(api, (2, 64)) for api in raw)):
            return [f"`confirmedApis` lists at most {MAX_CONFIRMED_APIS} external APIs the environment has "
                    'access to, by name: ["brp", "kvk", "bag"].']
        environment.confirmed_apis = sorted(set(raw))
        return []

    def _profile(self, slug: Any) -> PlatformProfileRecord | None:
        if not isinstance(slug, str):
            return None
        return self.session.scalars(select(PlatformProfileRecord).where(
            PlatformProfileRecord.slug == slug, PlatformProfileRecord.status == PROFILE_ACTIVE)).first()

    def _app_config(self, environment: Environment, raw: Any) -> Problems:
        if not isinstance(raw, dict):
            return ['`appConfig` maps app ids to their values: {"open-zaak": {"hostname": "zaken.example.nl"}}.']
        problems, result = [], {}
        for app, values in raw.items():
            if not is_slug(app):
                problems.append(f"`appConfig` key {app!r} is not an app id.")
                continue
            result[app], bad = config_values(values, f"appConfig.{app}")
            problems += bad
        declared = declared_secrets(self.session, result)
        for app, values in result.items():
            problems += clear_values_problems(f"appConfig.{app}", values, declared[app])
        environment.app_config = result
        return problems

    def _promotion(self, organisation: Organisation, environment: Environment, name: Any) -> Problems:
        if name is None:
            environment.promote_from = None
            return []
        source = self._find(organisation, name) if isinstance(name, str) else None
        if source is None or source.archived_at is not None:
            return [f"`promoteFrom` must name another environment of `{organisation.slug}`; {name!r} is not one."]
        seen: set[int] = {environment.id}
        step: Environment | None = source
        while step is not None:  # no cycles: test -> acceptance -> production
            if step.id in seen or step is environment:
                return [f"`promoteFrom` {name!r} would make a cycle of promotions."]
            seen.add(step.id)
            step = step.promote_from
        environment.promote_from = source
        return []

    @staticmethod
    def _raise(problems: InvalidParams) -> None:
        if problems:
            raise InvalidInput(problems)


def config_values(raw: Any, key: str) -> tuple[dict[str, Any], list[str]]:
    """Config values as text (numbers are kept as written), or references to a Secret."""
    if not isinstance(raw, dict):
        return {}, [f'`{key}` maps config names to values, e.g. {{"storageClass": "standard"}}.']
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in raw.items():
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(f"`{key}` name {name!r} is not a config name (letters, digits, underscores).")
        elif isinstance(value, dict):
            values[name] = value  # a reference: clear_values_problems checks its shape
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)) or len(str(value)) > MAX_VALUE:
            problems.append(f"`{key}.{name}` must be text of at most {MAX_VALUE} characters.")
        else:
            values[name] = str(value)
    return values, problems
