"""The key that signs the pages' cookies, kept in the data dir when none is configured.

Every worker of a registry must sign with the same key, also the workers that
start at the same moment on a fresh data dir. The key is written whole to a
draft file of its own and then hard-linked into place; linking fails when
another worker was first. So the key file never exists half-written, and every
worker reads the one key that won.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from registry.errors import ConfigurationError
from registry.private_files import private_directory

NAME = "secret_key"
MIN_LENGTH = 32


def instance_secret(data_dir: Path) -> str:
    """The data dir's secret key, made on first use."""
    path = data_dir / NAME
    if not path.exists():
        _make(private_directory(data_dir), path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_LENGTH:
        raise ConfigurationError(f"{path} holds no usable secret key (at least {MIN_LENGTH} characters); "
                                 "delete the file to have a new one made, or set APPSTORE_SECRET_KEY")
    return key


def _make(data_dir: Path, path: Path) -> None:
    descriptor, draft = tempfile.mkstemp(dir=data_dir, prefix=f".{NAME}.")  # created 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker was first: everyone uses its key
    finally:
        os.unlink(draft)
