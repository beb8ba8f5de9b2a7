"""Files of the registry that only its own user may read: the data directory,
the SQLite database, the secret key and the stored packages (commercial
modules among them). Created private, not made private afterwards, so that
there is no moment in which another local user can open them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite gives these the database's mode


def private_directory(path: Path) -> Path:
    """``path`` and any missing parents below an existing folder, each created 0700."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIRECTORY_MODE)
        except FileExistsError:  # another worker was first; it made it private too
            pass
    return path


def private_file(path: Path) -> Path:
    """An empty file at ``path``, created 0600, unless it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    return path


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    """A file descriptor of ``path``, which is created 0600 when missing."""
    return os.open(path, flags, FILE_MODE)


def sqlite_files(database: Path) -> list[Path]:
    return [database, *(database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS)]


def make_private(paths: Iterable[Path]) -> list[str]:
    """Take group and other access away from existing files and folders made by an
    older version; returns what was changed, for the administrator to read."""
    changed = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        wanted = DIRECTORY_MODE if path.is_dir() else FILE_MODE
        if mode & 0o077:
            path.chmod(mode & wanted)
            changed.append(f"{path} is now private (was {mode:04o})")
    return changed
