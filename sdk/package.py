"""The read-only view of a package that verification plugins receive."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sdk.frozen import freeze

MANIFEST_PATH = "appstore.yaml"
PUBLICCODE_PATH = "publiccode.yml"
DEPLOY_DIR = "deploy/"


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

    def __post_init__(self) -> None:
        # Plugins read what others read and what is stored: none of it may change under them.
        if isinstance(self.files, dict):
            object.__setattr__(self, "files", MappingProxyType(self.files))
        if self.manifest is not None:
            object.__setattr__(self, "manifest", freeze(self.manifest))

    def read(self, path: str) -> bytes | None:
        return self.files.get(normalise(path))

    def text(self, path: str) -> str | None:
        """The file decoded as UTF-8, or ``None`` if absent or not UTF-8."""
        raw = self.read(path)
        if raw is None:
            return None
        try:
            return raw.decode("utf-8")
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
        """The Kubernetes manifests in ``deploy/``."""
        return [n for n in self.under(DEPLOY_DIR) if n.endswith((".yaml", ".yml"))]


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
