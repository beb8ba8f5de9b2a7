"""Project folders for the SDK tests, written at test time from tests/factories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import factories


def write_project(root: Path, files: dict[str, bytes] | None = None, **manifest: Any) -> Path:
    """A valid project folder (or one changed through ``files`` and ``manifest``)."""
    contents = files if files is not None else factories.package_files(factories.manifest(**manifest))
    for name, data in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root
