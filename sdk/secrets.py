"""Secret config values: references the registry keeps, markers it renders, values the CLI fills.

The registry never holds a secret's value. An environment holds a reference
to the Kubernetes Secret the municipality created (``{"secretName", "key"}``);
a rendered bundle holds the marker ``${secret:NAME}`` where the value goes,
and ``appstore install`` replaces the markers with values read from a local
file or an environment variable just before it writes the files.

Charts often base64-encode a value (``b64enc``) into a Secret; the marker
then arrives encoded, so the encoded marker is filled with the encoded value.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

SECRET_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\Z")  # a Kubernetes object name
SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}\Z")  # a key of a Secret's data
#: Names that hold secrets by convention; such values are never taken in clear.
SECRET_LIKE_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|private_?key|credential)")
PLACEHOLDER_WORDS = re.compile(r"(?i)(example|voorbeeld|change|wijzig|replace|vervang|xxx|\.\.\.|<|>|\*\*\*)")
MAX_PLACEHOLDER = 40
ENV_PREFIX = "APPSTORE_SECRET_"
SECRET_MARKER = "${secret:"


def marker(name: str) -> str:
    """What a rendered bundle holds where the value of secret ``name`` goes."""
    return SECRET_MARKER + name + "}"


def shown(name: str) -> str:
    """How the registry shows a secret value: never the value."""
    return f"<secret: {name}>"


def looks_like_secret_name(name: str) -> bool:
    return SECRET_LIKE_NAME.search(name) is not None


def looks_like_placeholder(example: str) -> bool:
    """An example a person reads as "put yours here", not a password someone might copy."""
    return len(example) <= MAX_PLACEHOLDER and PLACEHOLDER_WORDS.search(example) is not None


def is_reference(value: Any) -> bool:
    """``{"secretName": ..., "key": ...}``: a Secret and key the environment's cluster holds."""
    return (isinstance(value, dict) and set(value) == {"secretName", "key"}
            and isinstance(value["secretName"], str) and SECRET_NAME.match(value["secretName"]) is not None
            and isinstance(value["key"], str) and SECRET_KEY.match(value["key"]) is not None)


def is_unresolved(value: Any) -> bool:
    """A reference that stands where a value in clear was removed; someone must name the Secret."""
    return isinstance(value, dict) and value.get("unresolved") is True


def fill(text: str, values: Mapping[str, str]) -> tuple[str, set[str]]:
    """Replace the markers of ``values`` (plain and base64-encoded); returns the text and the names filled."""
    filled = set()
    for name, value in values.items():
        for token, replacement in ((marker(name), value), (_b64(marker(name)), _b64(value))):
            if token in text:
                text = text.replace(token, replacement)
                filled.add(name)
    return text, filled


def unfilled(text: str, names: list[str]) -> list[str]:
    """The secrets among ``names`` whose marker is still in ``text``."""
    return [n for n in names if marker(n) in text or _b64(marker(n)) in text]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")
