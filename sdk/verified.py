"""Downloads and install bundles checked against the registry's signed metadata (``sdk.trust``).

A package is saved under a temporary name beside its target and renamed only
once its length and sha256 match the signed targets, so a refused package
never lands where a person would use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdk.client import RegistryClient
from sdk.messages import text
from sdk.trust import RegistryTrust

#: Told that the registry signs nothing (and never did for this computer), so nothing was verified.
Warn = Callable[[str], None]


def _silent(_: str) -> None:
    pass


def download_verified(client: RegistryClient, trust: RegistryTrust, app_id: str, version: str,
                      target: Path, warn: Warn = _silent) -> Path:
    """Save a release's package at ``target`` once the signed metadata vouches for it."""
    target = Path(target)
    descriptor, name = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".partial")
    os.close(descriptor)
    staged = Path(name)
    try:
        client.download(app_id, version, staged)
        with staged.open("rb") as package:
            signed = trust.verify(app_id, version, package)
        if signed is None:
            warn(text("trust.unsigned-package", registry=trust.registry, app=app_id, version=version))
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    return target


def verify_bundle(client: RegistryClient, trust: RegistryTrust, bundle: dict[str, Any],
                  warn: Warn = _silent) -> int:
    """Check every package a bundle installs or upgrades against the signed metadata, before
    anything is written: the signed sha256 must be the bundle's, and the registry's stored
    bytes must match it. The number of packages verified."""
    checked = 0
    with tempfile.TemporaryDirectory(prefix="appstore-verify-") as folder:
        for item in bundle.get("items") or []:
            if item.get("action") == "keep":
                continue
            app_id, version = str(item["app"]), str(item["version"])
            if not trust.check_digest(app_id, version, str(item.get("sha256"))):
                warn(text("trust.unsigned-bundle", registry=trust.registry))
                return 0
            download_verified(client, trust, app_id, version, Path(folder) / f"{app_id}-{version}.tar.gz")
            checked += 1
    return checked
