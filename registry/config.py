"""Configuration: defaults, an optional instance file, ``APPSTORE_*`` environment, test overrides."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


class Defaults:
    """Settings every registry starts from."""

    DATA_DIR = "instance"
    DATABASE_URL = ""  # empty: SQLite in the data dir
    STORAGE_URL = ""  # empty: content-addressed files in the data dir
    MAX_UPLOAD_BYTES = 20 * MIB
    ARCHIVE_MAX_MEMBERS = 2000
    ARCHIVE_MAX_UNPACKED_BYTES = 50 * MIB
    ARCHIVE_MAX_RATIO = 50.0
    # Work per upload (sdk.budget): Kubernetes documents, findings kept per code, seconds.
    VERIFY_MAX_DOCUMENTS = 1000
    VERIFY_MAX_FINDINGS_PER_CODE = 25
    VERIFY_TIME_BUDGET_SECONDS = 20.0
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 100
    LOAD_INSTALLED_PLUGINS = True
    PUBLIC_URL = ""  # e.g. https://appstore.example; empty: from the request


#: Environment variables that configure the registry, with their types.
ENVIRONMENT = {
    "DATA_DIR": str,
    "DATABASE_URL": str,
    "STORAGE_URL": str,
    "MAX_UPLOAD_BYTES": int,
    "ARCHIVE_MAX_MEMBERS": int,
    "ARCHIVE_MAX_UNPACKED_BYTES": int,
    "ARCHIVE_MAX_RATIO": float,
    "VERIFY_MAX_DOCUMENTS": int,
    "VERIFY_MAX_FINDINGS_PER_CODE": int,
    "VERIFY_TIME_BUDGET_SECONDS": float,
    "PUBLIC_URL": str,
    "SECRET_KEY": str,
}


def from_environment(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, Any]:
    """Settings given as ``APPSTORE_<NAME>`` environment variables."""
    settings: dict[str, Any] = {}
    for name, kind in ENVIRONMENT.items():
        value = environ.get(f"APPSTORE_{name}")
        if value not in (None, ""):
            try:
                settings[name] = kind(value)
            except ValueError as exc:
                raise SystemExit(f"APPSTORE_{name}={value!r} is not a valid {kind.__name__}") from exc
    return settings


def resolve_paths(config: dict[str, Any]) -> None:
    """Fill in the defaults that depend on the data dir."""
    data_dir = Path(config["DATA_DIR"]).resolve()
    config["DATA_DIR"] = str(data_dir)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{data_dir / 'registry.db'}"
    if not config.get("STORAGE_URL"):
        config["STORAGE_URL"] = f"file://{data_dir / 'artifacts'}"
