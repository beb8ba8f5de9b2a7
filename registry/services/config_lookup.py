"""The config value that holds for an app in an environment."""

from __future__ import annotations

from typing import Any

from registry.models import Environment


def config_value(environment: Environment, app: str, name: str) -> Any:
    """The value that holds for ``app`` in the environment: its own, else the shared one.

    Text, or for a secret a reference (``sdk.secrets.is_reference``), or ``None``.
    """
    own = (environment.app_config or {}).get(app) or {}
    if name in own:
        return own[name]
    return (environment.config or {}).get(name)
