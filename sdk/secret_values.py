"""Where ``appstore install`` reads secret values: a file, an environment variable, never the command line.

``--secret NAME=@FILE`` reads the file (a trailing newline dropped, as
``echo`` or an editor leaves one); ``--secret NAME=env:VAR`` reads ``VAR``;
without either, ``APPSTORE_SECRET_NAME`` (as written, or in capitals).
A value typed on the command line is refused: it would stay in the shell's
history and in the process list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sdk.errors import AppstoreError
from sdk.secrets import ENV_PREFIX

MAX_SECRET = 64 * 1024
SECRET_HINT = "Write --secret NAME=@FILE or --secret NAME=env:VAR (never the value itself)."


def needed_secrets(bundle: Mapping[str, Any]) -> list[str]:
    """The secret names a bundle's items need, in order, each once."""
    names: list[str] = []
    for item in bundle.get("items") or []:
        for secret in item.get("secrets") or []:
            if isinstance(secret, dict) and isinstance(secret.get("name"), str) and secret["name"] not in names:
                names.append(secret["name"])
    return names


def secret_values(needed: Iterable[str], given: Iterable[str], environ: Mapping[str, str]) -> dict[str, str]:
    """The values of ``needed`` secrets from ``--secret`` options, else the environment."""
    sources: dict[str, str] = {}
    for option in given:
        name, sep, source = option.partition("=")
        if not sep or not name:
            raise AppstoreError(f"--secret {name or option!r} is not NAME=@FILE or NAME=env:VAR.", hint=SECRET_HINT)
        sources[name] = source
    values: dict[str, str] = {}
    for name in needed:
        if name in sources:
            values[name] = _read(name, sources[name], environ)
        else:
            value = environ.get(ENV_PREFIX + name, environ.get(ENV_PREFIX + name.upper()))
            if value is not None:
                values[name] = value
    return values


def _read(name: str, source: str, environ: Mapping[str, str]) -> str:
    if source.startswith("@"):
        path = Path(source[1:])
        try:
            if path.stat().st_size > MAX_SECRET:
                raise AppstoreError(f"--secret {name}: {path} is larger than {MAX_SECRET} bytes.", hint=SECRET_HINT)
            return path.read_text(encoding="utf-8").removesuffix("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise AppstoreError(f"--secret {name}: cannot read {path} ({exc.__class__.__name__}).",
                                hint="Give a readable UTF-8 file.") from None
    if source.startswith("env:"):
        variable = source.removeprefix("env:")
        if variable not in environ:
            raise AppstoreError(f"--secret {name}: the environment variable {variable} is not set.", hint=SECRET_HINT)
        return environ[variable]
    raise AppstoreError(f"--secret {name}: give a file or an environment variable, not the value.", hint=SECRET_HINT)
