"""The read-only view of a package that verification plugins receive."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from sdk.frozen import freeze

MANIFEST_PATH = "appstore.yaml"
PUBLICCODE_PATH = "publiccode.yml"
#: The name most repositories give the file; read when publiccode.yml is absent, with a warning.
PUBLICCODE_ALIAS = "publiccode.yaml"
DEPLOY_DIR = "deploy/"
#: The files ``kubectl apply -f`` takes from a folder (it compares case-sensitively).
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
CHART_FILE = "Chart.yaml"

Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class PackageView:
    """A package's files and its parsed manifest, for reading only.

    ``files`` maps archive paths (POSIX, relative, no ``./``) to their bytes.
    ``manifest`` is the parsed ``appstore.yaml``, or ``None`` when it is missing
    or could not be parsed (the loader has reported that already).
    ``sha256`` and ``size`` describe the archive; they are empty for a folder
    that is checked before it is built.
    """

    files: Mapping[str, bytes]
    manifest: Mapping[str, Any] | None = None
    filename: str = ""
    sha256: str = ""
    size: int = 0
    origin: str = field(default="archive", compare=False)
    # What ``parsed`` read so far, by (reader, path): bounded by readers x files of this view.
    _parsed: dict[tuple[Callable[[bytes], Any], str], Any] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Plugins read what others read and what is stored: none of it may change under them.
        if isinstance(self.files, dict):
            object.__setattr__(self, "files", MappingProxyType(self.files))
        if self.manifest is not None:
            object.__setattr__(self, "manifest", freeze(self.manifest))

    def read(self, path: str) -> bytes | None:
        return self.files.get(normalise(path))

    def parsed(self, path: str, reader: Callable[[bytes], Parsed]) -> Parsed | None:
        """``reader(bytes of path)``, or ``None`` if absent; read once per view, path and reader.

        The checks of a publish and the registry that stores it read the same
        documents (publiccode.yml above all): parsing once, not once per reader,
        saves most of their cost. ``reader`` must depend on the bytes alone, and
        callers must not change what it returns: every other caller shares it.
        """
        key = (reader, normalise(path))
        if key not in self._parsed:
            raw = self.read(path)
            self._parsed[key] = reader(raw) if raw is not None else None
        return self._parsed[key]  # type: ignore[no-any-return]  # keyed by this reader: its type

    def offer(self, path: str, reader: Callable[[bytes], Parsed], parsed: Parsed) -> None:
        """Keep ``parsed`` as what ``reader`` makes of ``path``, unless it was read already: a
        reader that parsed the same bytes its own way hands on what ``reader`` would have made
        of them (it must be exactly that), so that ``parsed`` need not read them again."""
        self._parsed.setdefault((reader, normalise(path)), parsed)

    def text(self, path: str) -> str | None:
        """The file decoded as UTF-8, or ``None`` if absent or not UTF-8.

        NUL becomes U+FFFD: no text shown or stored holds it (PostgreSQL refuses it)."""
        raw = self.read(path)
        if raw is None:
            return None
        try:
            return raw.decode("utf-8").replace("\x00", "\ufffd")
        except UnicodeDecodeError:
            return None

    def exists(self, path: str) -> bool:
        return normalise(path) in self.files

    def names(self) -> list[str]:
        return sorted(self.files)

    def under(self, folder: str) -> list[str]:
        """Files below ``folder`` (``"deploy/"``), sorted."""
        prefix = folder.rstrip("/") + "/"
        return sorted(name for name in self.files if name.startswith(prefix))

    def deploy_files(self) -> list[str]:
        """The files that ship: the Kubernetes manifests in ``deploy/``, YAML and JSON.

        The one list that verification checks, and that install bundles and
        ``appstore install`` write: nothing ships that was not verified. A Helm
        chart's files there are not manifests (package_layout says where it belongs).
        """
        return [n for n in self._deploy_entries() if is_manifest_name(n)]

    def stray_deploy_files(self) -> list[str]:
        """Files in ``deploy/`` that are not manifests: they never ship and are refused."""
        return [n for n in self._deploy_entries() if not is_manifest_name(n)]

    def _deploy_entries(self) -> list[str]:
        charts = tuple(self.charts_in_deploy())
        return [n for n in self.under(DEPLOY_DIR) if not (charts and n.startswith(charts))]

    def charts_in_deploy(self) -> list[str]:
        """Folders of ``deploy/`` that hold a Helm chart (a Chart.yaml), ending in ``/``;
        a chart's own subcharts are part of it, not listed apart."""
        folders = sorted((n.removesuffix(CHART_FILE) for n in self.under(DEPLOY_DIR)
                          if posixpath.basename(n) == CHART_FILE), key=len)
        outermost: list[str] = []
        for folder in folders:
            if not folder.startswith(tuple(outermost)):
                outermost.append(folder)
        return sorted(outermost)

    def publiccode_path(self) -> str:
        """``publiccode.yml``, or ``publiccode.yaml`` when only that one is present."""
        if PUBLICCODE_PATH not in self.files and PUBLICCODE_ALIAS in self.files:
            return PUBLICCODE_ALIAS
        return PUBLICCODE_PATH


def is_manifest_name(path: str) -> bool:
    """A file that ships from ``deploy/``: ``kubectl apply`` would read it."""
    return path.endswith(MANIFEST_SUFFIXES)


def normalise(path: str) -> str:
    """An archive path in its canonical form: POSIX, relative, no ``./``."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return posixpath.normpath(path) if path else path


class FolderFiles(Mapping[str, bytes]):
    """Files of a folder on disk, read lazily and never outside the folder.

    Used to check a standalone document (a publiccode.yml next to its logo)
    without reading the whole folder into memory.
    """

    def __init__(self, root: Path, max_file_size: int = 10 * 1024 * 1024) -> None:
        self._root = root.resolve()
        self._max = max_file_size

    def _path(self, name: str) -> Path | None:
        candidate = (self._root / normalise(name)).resolve()
        if not candidate.is_relative_to(self._root) or not candidate.is_file():
            return None
        return candidate

    def __getitem__(self, name: str) -> bytes:
        path = self._path(name)
        if path is None or path.stat().st_size > self._max:
            raise KeyError(name)
        return path.read_bytes()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._path(name) is not None

    def __iter__(self) -> Iterator[str]:
        for path in sorted(self._root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(self._root).as_posix()

    def __len__(self) -> int:
        return sum(1 for _ in self)
