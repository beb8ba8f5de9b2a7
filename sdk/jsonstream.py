"""Manifest files that kubectl reads as JSON.

kubectl does not go by a file's name: a file whose first non-blank character is
``{`` is read as a stream of JSON values, one object after another, and any
other file as YAML documents. Verification reads each file the same way, so it
judges what the cluster will see (``deploy/pod.json`` and a ``.yaml`` file that
holds JSON alike).
"""

from __future__ import annotations

import json
import re
from typing import Any

#: JSON's own blanks (Go's decoder skips exactly these between values).
_BLANKS = re.compile(r"[ \t\n\r]*")


def is_json_stream(text: str) -> bool:
    """kubectl would read ``text`` as JSON."""
    return text.lstrip()[:1] == "{"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python accepts NaN and Infinity, Go does not


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def load_json_stream(text: str, limit: int) -> list[Any]:
    """The JSON values of ``text`` in order, at most ``limit`` of them.

    Raises ``ValueError`` (``json.JSONDecodeError`` says where) for text that is
    not a stream of JSON values, and ``RecursionError`` for nesting too deep to read.
    """
    values: list[Any] = []
    position = _BLANKS.match(text).end()  # type: ignore[union-attr]  # always matches
    while position < len(text) and len(values) < limit:
        value, position = _DECODER.raw_decode(text, position)
        values.append(value)
        position = _BLANKS.match(text, position).end()  # type: ignore[union-attr]
    return values
