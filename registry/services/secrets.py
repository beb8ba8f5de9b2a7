"""Secret config values in environments, plans and bundles: references only, never values.

An environment keeps, for a secret, a reference to the Kubernetes Secret the
municipality made (``{"secretName": "db", "key": "password"}``). Values for
entries an app marks ``secret: true``, or whose names read as secrets
(password, token, ...), are refused in clear. Plans list each secret as
``<secret: name>`` with its reference; bundles carry the marker
``${secret:name}`` that ``appstore install`` fills on the municipality's machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Environment, Installation, Release
from registry.services.config_lookup import config_value
from sdk.secrets import SECRET_KEY, SECRET_NAME, is_reference, is_unresolved, looks_like_secret_name, shown

REFERENCE_HINT = 'give a reference to a Kubernetes Secret instead: {"secretName": "NAME", "key": "KEY"}'


def secret_entries(manifest: Mapping[str, Any] | None) -> set[str]:
    """The config names a manifest marks ``secret: true``."""
    return {item["name"] for item in (manifest or {}).get("config") or ()
            if isinstance(item, dict) and item.get("secret") is True and isinstance(item.get("name"), str)}


def is_secret(name: str, value: Any, declared: set[str]) -> bool:
    """Whether a value is handled as a secret: a reference, or a name declared or read as one."""
    return is_reference(value) or is_unresolved(value) or name in declared or looks_like_secret_name(name)


def reference_problem(key: str, name: str, value: Any) -> str | None:
    """Why ``value`` is no valid reference (``None`` when it is one)."""
    if is_reference(value):
        return None
    if isinstance(value, dict):
        return (f"`{key}.{name}` is a reference {{\"secretName\", \"key\"}}: secretName a Kubernetes name "
                f"({SECRET_NAME.pattern}), key a Secret key ({SECRET_KEY.pattern}).")
    return f"`{key}.{name}` is a secret and is never stored in clear; {REFERENCE_HINT}."


def clear_values_problems(key: str, values: Mapping[str, Any], declared: set[str]) -> list[str]:
    """Values given in clear for names that are secrets; references are checked too."""
    problems = []
    for name, value in values.items():
        if isinstance(value, dict) or name in declared or looks_like_secret_name(name):
            problem = reference_problem(key, name, value)
            if problem:
                problems.append(problem)
    return problems


def declared_secrets(session: Session, apps: Iterable[str]) -> dict[str, set[str]]:
    """Per app, the config names any of its releases marks secret."""
    wanted = sorted(set(apps))
    result: dict[str, set[str]] = {app: set() for app in wanted}
    if not wanted:
        return result
    rows = session.execute(select(App.slug, Release.manifest).join(Release, Release.app_id == App.id)
                           .where(App.slug.in_(wanted)))
    for slug, manifest in rows:
        result[slug] |= secret_entries(manifest)
    return result


def installed_apps(session: Session, environment: Environment) -> list[str]:
    if environment.id is None:
        return []
    return list(session.scalars(select(App.slug).join(Installation, Installation.app_id == App.id)
                                .where(Installation.environment_id == environment.id)))


def step_secrets(environment: Environment, app: str, manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The secrets an app's release takes from the environment: name, how it is shown, its reference."""
    found = []
    for item in manifest.get("config") or ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        value = config_value(environment, app, item["name"])
        if is_reference(value):
            found.append({"name": item["name"], "value": shown(item["name"]), "reference": dict(value)})
    return found


def secret_problems(environment: Environment, app: str,
                    manifest: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(code, message, name)`` for secrets the environment holds in clear or as a reference nobody named yet."""
    declared = secret_entries(manifest)
    problems = []
    for item in manifest.get("config") or ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        name = item["name"]
        value = config_value(environment, app, name)
        if is_unresolved(value):
            problems.append(("plan.secret-unresolved", f"`{name}` was removed from the environment because it "
                             f"was stored in clear; {REFERENCE_HINT}.", name))
        elif isinstance(value, str) and is_secret(name, value, declared):
            problems.append(("plan.secret-in-clear", f"`{name}` is a secret but the environment holds it in "
                             f"clear (a shared `config` value); {REFERENCE_HINT}.", name))
    return problems


def attention(environment: Environment) -> list[dict[str, str]]:
    """Unresolved references the environment holds: what someone must still name."""
    found = [{"code": "environment.secret-unresolved", "name": n, "app": ""}
             for n, v in (environment.config or {}).items() if is_unresolved(v)]
    for app, values in (environment.app_config or {}).items():
        found += [{"code": "environment.secret-unresolved", "name": n, "app": app}
                  for n, v in (values or {}).items() if is_unresolved(v)]
    return found
