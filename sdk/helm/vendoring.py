"""Vendoring a chart's dependencies from ``Chart.lock`` when a package is built.

Verification fetches nothing, so a package carries its chart's dependencies
under ``chart/charts/``. When the author's folder lacks one, ``appstore
build`` takes the archive ``<name>-<version>.tgz`` that Helm keeps in its local
repository cache (``helm dependency build`` or ``helm pull`` put it there) and
packs it; the author's folder is not changed. When the archive is not there
either, the build stops and says which command fetches it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sdk.package import CHART_FILE
from sdk.yamldoc import load_yaml

CHART_DIR = "chart/"
LOCK_PATH = CHART_DIR + "Chart.lock"
VENDOR_DIR = CHART_DIR + "charts/"
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str

    @property
    def archive(self) -> str:
        return f"{self.name}-{self.version}.tgz"


@dataclass(frozen=True)
class Vendoring:
    """Archives added to the package (paths), and dependencies found nowhere."""

    added: tuple[str, ...] = ()
    missing: tuple[Dependency, ...] = ()


def helm_cache_dirs() -> list[Path]:
    """Where Helm keeps downloaded chart archives on this machine, as Helm decides it."""
    if os.environ.get("HELM_CACHE_HOME"):
        base = Path(os.environ["HELM_CACHE_HOME"])
    elif os.environ.get("XDG_CACHE_HOME"):
        base = Path(os.environ["XDG_CACHE_HOME"]) / "helm"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "helm"
    else:
        base = Path.home() / ".cache" / "helm"
    return [base / "repository"]


def locked_dependencies(files: Mapping[str, bytes]) -> list[Dependency]:
    """The dependencies ``chart/Chart.lock`` pins; none when it is absent or unreadable
    (verification reports an unreadable chart)."""
    raw = files.get(LOCK_PATH)
    data = load_yaml(raw, LOCK_PATH)[0] if raw is not None else None
    items = data.get("dependencies") if isinstance(data, dict) else None
    return [Dependency(str(i["name"]), str(i["version"])) for i in items or ()
            if isinstance(i, dict) and i.get("name") and i.get("version")]


def is_vendored(files: Mapping[str, bytes], dependency: Dependency) -> bool:
    """A folder ``charts/<name>/`` or any archive ``charts/<name>-<version>.tgz``."""
    return (f"{VENDOR_DIR}{dependency.name}/{CHART_FILE}" in files
            or f"{VENDOR_DIR}{dependency.archive}" in files)


def vendor(files: dict[str, bytes], cache_dirs: Sequence[Path] | None = None) -> Vendoring:
    """Add each locked dependency missing from ``files`` from the Helm cache, in place."""
    added: list[str] = []
    missing: list[Dependency] = []
    for dependency in locked_dependencies(files):
        if is_vendored(files, dependency):
            continue
        data = _from_cache(dependency, helm_cache_dirs() if cache_dirs is None else cache_dirs)
        if data is None:
            missing.append(dependency)
            continue
        files[VENDOR_DIR + dependency.archive] = data
        added.append(VENDOR_DIR + dependency.archive)
    return Vendoring(tuple(added), tuple(missing))


def _from_cache(dependency: Dependency, cache_dirs: Sequence[Path]) -> bytes | None:
    for folder in cache_dirs:
        path = folder / dependency.archive
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_ARCHIVE_BYTES:
            return path.read_bytes()
    return None


def missing_message(missing: Sequence[Dependency], cache_dirs: Sequence[Path] | None = None) -> str:
    where = ", ".join(str(p) for p in (helm_cache_dirs() if cache_dirs is None else cache_dirs))
    names = ", ".join(f"{d.name} {d.version}" for d in missing)
    return (f"{LOCK_PATH} pins {names}, which is neither in {VENDOR_DIR} nor in the local Helm "
            f"cache ({where}).")
