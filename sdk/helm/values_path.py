"""Helm values paths such as ``ingress.hosts[0].host``: parsing and setting.

A config entry of ``appstore.yaml`` names the path it sets with ``helmValue``.
The syntax is that of ``helm --set`` keys: names separated by dots, list
indexes in brackets. It is parsed by a single left-to-right scan (no regular
expression), with limits on length, depth and index.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

MAX_PATH_LENGTH = 256
MAX_DEPTH = 32
MAX_INDEX = 1000
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

Segment = str | int


class ValuesPathError(ValueError):
    """A values path that cannot be parsed; the message says what is wrong.

    ``reason`` is a stable slug (``syntax``, ``too-long``, ``too-deep``,
    ``index-too-large``) with ``position`` (from 1) or ``limit``, so that
    findings can word it in any language.
    """

    def __init__(self, message: str, reason: str = "syntax", *, position: int = 0, limit: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.limit = limit


def parse_values_path(path: str) -> tuple[Segment, ...]:
    """``"ingress.hosts[0].host"`` -> ``("ingress", "hosts", 0, "host")``."""
    if not isinstance(path, str) or not path:
        raise ValuesPathError("a values path is a non-empty text such as `ingress.hosts[0].host`",
                              position=1)
    if len(path) > MAX_PATH_LENGTH:
        raise ValuesPathError(f"a values path has at most {MAX_PATH_LENGTH} characters", "too-long",
                              limit=MAX_PATH_LENGTH)
    segments: list[Segment] = []
    i, n = 0, len(path)
    while i < n:
        start = i
        while i < n and path[i] in _NAME_CHARS:
            i += 1
        if i == start:
            raise ValuesPathError(f"a name is expected at position {i + 1} of `{path}`", position=i + 1)
        segments.append(path[start:i])
        while i < n and path[i] == "[":
            close = path.find("]", i)
            digits = path[i + 1:close] if close > 0 else ""
            if not digits.isdigit() or not digits.isascii():
                raise ValuesPathError(f"`[` at position {i + 1} of `{path}` must hold a list index, e.g. [0]",
                                      position=i + 1)
            if int(digits) > MAX_INDEX:
                raise ValuesPathError(f"list indexes in a values path go up to {MAX_INDEX}", "index-too-large",
                                      limit=MAX_INDEX)
            segments.append(int(digits))
            i = close + 1
        if i < n:
            if path[i] != "." or i == n - 1:
                raise ValuesPathError(f"`{path[i]}` at position {i + 1} of `{path}` is not allowed here",
                                      position=i + 1)
            i += 1
    if len(segments) > MAX_DEPTH:
        raise ValuesPathError(f"a values path has at most {MAX_DEPTH} parts", "too-deep", limit=MAX_DEPTH)
    return tuple(segments)


def typed(value: str) -> Any:
    """A config value typed as ``helm --set`` types it: whole numbers, true/false, null."""
    if value in ("true", "false"):
        return value == "true"
    if value == "null":
        return None
    body = value[1:] if value.startswith("-") else value
    if body.isdigit() and body.isascii() and (body == "0" or not body.startswith("0")):
        return int(value)
    return value


def apply_values(
    defaults: Mapping[str, Any], settings: Mapping[tuple[Segment, ...], Any]
) -> dict[str, Any]:
    """Values that set each path of ``settings`` on top of the chart's ``defaults``.

    Helm replaces lists whole when it merges values, so setting
    ``ingress.hosts[0].host`` alone would drop the entry's other fields. The
    returned values therefore carry, for each top-level key that a path
    touches, the chart's default subtree with the path set in it.
    """
    touched: dict[str, Any] = {}
    for segments, value in settings.items():
        top = segments[0]
        if not isinstance(top, str):  # parse_values_path never starts with an index
            raise ValueError(f"a values path starts with a key, not the index [{top}]")
        if top not in touched:
            touched[top] = copy.deepcopy(defaults.get(top))
        if len(segments) == 1:
            touched[top] = value
            continue
        touched[top] = _set(touched[top], segments[1:], value)
    return touched


def merged(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` on ``base`` as Helm merges values: mappings key by key, the rest replaced."""
    result = dict(base)
    for key, value in overrides.items():
        below = result.get(key)
        result[key] = merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return result


def _set(node: Any, segments: tuple[Segment, ...], value: Any) -> Any:
    head, rest = segments[0], segments[1:]
    if isinstance(head, int):
        items = list(node) if isinstance(node, list) else []
        items.extend([None] * (head + 1 - len(items)))  # as `--set a[2]=x` pads with null
        items[head] = _set(items[head], rest, value) if rest else value
        return items
    mapping = dict(node) if isinstance(node, dict) else {}
    mapping[head] = _set(mapping.get(head), rest, value) if rest else value
    return mapping
