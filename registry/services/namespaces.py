"""Which namespace each app of an environment goes to.

By default every app gets its own namespace, ``<prefix><app-id>``, so two
apps never share object names by accident. An environment may choose one
shared namespace instead (its ``namespace`` config value, else its name).
"""

from __future__ import annotations

import re
from typing import Any

from registry.models import Environment
from sdk.helm.bundle import MAX_NAMESPACE, environment_namespace

PER_APP, SHARED = "per-app", "shared"
MODES = (PER_APP, SHARED)
PREFIX = re.compile(r"^([a-z0-9][a-z0-9-]{0,28})?\Z")


def app_namespace(environment: Environment, app: str) -> str:
    """The namespace ``app``'s objects go to in ``environment``."""
    if environment.namespace_mode == SHARED:
        return environment_namespace(environment.name, environment.config)
    return (f"{environment.namespace_prefix or ''}{app}")[:MAX_NAMESPACE].rstrip("-")


def apply_namespaces(environment: Environment, raw: Any) -> list[str]:
    """Set ``{"mode": "per-app" | "shared", "prefix": "test-"}``; problems as sentences."""
    if not isinstance(raw, dict) or set(raw) - {"mode", "prefix"}:
        return ['`namespaces` is {"mode": "per-app" | "shared", "prefix": "test-"}: per-app puts each app in '
                "namespace PREFIX+APP-ID, shared puts every app in the environment's `namespace` config value."]
    problems = []
    mode = raw.get("mode", environment.namespace_mode or PER_APP)
    if mode not in MODES:
        problems.append(f"`namespaces.mode` is one of {', '.join(MODES)}.")
    prefix = raw.get("prefix", environment.namespace_prefix or "")
    if not isinstance(prefix, str) or not PREFIX.match(prefix):
        problems.append("`namespaces.prefix` is at most 29 lowercase letters, digits and dashes, e.g. `test-`.")
    if not problems:
        environment.namespace_mode, environment.namespace_prefix = mode, prefix
    return problems


def namespaces_json(environment: Environment) -> dict[str, str]:
    return {"mode": environment.namespace_mode or PER_APP, "prefix": environment.namespace_prefix or ""}
