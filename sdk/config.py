"""The user's settings: which registry to talk to and the token for each.

Tokens live in a JSON file only its owner can read (mode 0600), by default
``$XDG_CONFIG_HOME/appstore/config.json``; ``APPSTORE_CONFIG`` names another
file. Flags beat environment variables, which beat the file, so a CI job
never depends on a developer's stored settings.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdk.errors import AppstoreError

DEFAULT_REGISTRY = "http://127.0.0.1:5000"
CONFIG_ENV = "APPSTORE_CONFIG"
REGISTRY_ENV = "APPSTORE_REGISTRY"
TOKEN_ENV = "APPSTORE_TOKEN"


def config_path() -> Path:
    """Where the user's settings live."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "appstore" / "config.json"


def normalise_url(url: str) -> str:
    """A registry URL without a trailing slash, so it is one key in the file."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise AppstoreError(f"{url!r} is not a registry URL.",
                            hint="Give it with its scheme, e.g. https://appstore.gemeente.example.")
    return url


def load_config(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AppstoreError(f"Cannot read the settings in {path}: {exc.strerror}.",
                            hint=f"Fix its permissions, or point {CONFIG_ENV} at another file.") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise AppstoreError(f"The settings in {path} are not valid JSON ({exc}).",
                            hint="Remove the file and run `appstore login` again.") from exc
    return data if isinstance(data, dict) else {}


def save_config(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write the settings so that only the user can read them, atomically."""
    path = path or config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # Created with 0600 from the start: the token is never readable by others.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as exc:
        raise AppstoreError(f"Cannot write the settings to {path}: {exc.strerror}.",
                            hint=f"Check the folder's permissions, or point {CONFIG_ENV} elsewhere.") from exc
    return path


def store_token(registry: str, token: str, path: Path | None = None) -> Path:
    """Remember ``token`` for ``registry`` and make it the default registry."""
    data = load_config(path)
    registries = data.setdefault("registries", {})
    registries.setdefault(normalise_url(registry), {})["token"] = token
    data["defaultRegistry"] = normalise_url(registry)
    return save_config(data, path)


def forget_token(registry: str, path: Path | None = None) -> bool:
    data = load_config(path)
    entry = data.get("registries", {}).get(normalise_url(registry))
    if not entry or "token" not in entry:
        return False
    del entry["token"]
    save_config(data, path)
    return True


@dataclass(frozen=True)
class Settings:
    """The registry and token a command uses, and where the token came from."""

    registry: str
    token: str | None
    token_source: str  # "--token", "APPSTORE_TOKEN", the config path, or ""


def resolve(registry: str | None = None, token: str | None = None) -> Settings:
    """Registry and token from flags, then environment, then the settings file."""
    data = load_config()
    url = normalise_url(
        registry or os.environ.get(REGISTRY_ENV) or data.get("defaultRegistry") or DEFAULT_REGISTRY
    )
    if token:
        return Settings(url, token, "--token")
    if os.environ.get(TOKEN_ENV):
        return Settings(url, os.environ[TOKEN_ENV], TOKEN_ENV)
    stored = data.get("registries", {}).get(url, {}).get("token")
    return Settings(url, stored, str(config_path()) if stored else "")
