"""One guard in front of every view for input that no view can use.

It answers 400 before a view runs when the path, the query string, a form
field, the bearer token or a JSON body holds NUL or an unpaired surrogate
(PostgreSQL refuses the first, UTF-8 cannot encode the second), when a JSON
body holds ``NaN`` or ``Infinity`` (which Python reads, and JSON columns do
not store), or when a
JSON body nests deeper than ``MAX_JSON_DEPTH`` (Python's parser would run out
of recursion first). Views then see only text that can be stored and shown.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from registry.errors import MalformedInput, PayloadTooLarge
from sdk.text import has_unstorable, shown, unstorable_in

#: No JSON body of this API is more than a few levels deep.
MAX_JSON_DEPTH = 32
#: Bodies of this API are small; a larger one is refused before it is parsed.
MAX_JSON_BYTES = 1024 * 1024
#: A string (possibly unterminated), or one bracket.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[][{}]', re.DOTALL)


#: The largest row id the databases hold (PostgreSQL ``integer``); larger ones match no route.
ROW_ID_MAX = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """``<int:...>`` bounded to row ids: ``/plans/9223372036854775808`` is a 404, not an overflow."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (werkzeug's names)
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, ROW_ID_MAX if max is None else max, signed)


def row_id(value: object) -> int | None:
    """``value`` as a row id (a whole number from 1 to ``ROW_ID_MAX``), or None."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 10):
            return None
        value = int(value)
    if type(value) is not int or not 1 <= value <= ROW_ID_MAX:
        return None
    return value


def init_app(app: Flask) -> None:
    """Bound integer routes (call before blueprints register) and guard every request."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(guard_request)


def guard_request() -> None:
    """Raise ``MalformedInput`` (400) for input that cannot be stored or shown."""
    if has_unstorable(request.path):
        raise MalformedInput("The address holds a NUL character or an unpaired surrogate; remove it.", name="path")
    for name, value in request.args.items(multi=True):
        if has_unstorable(name) or has_unstorable(value):
            raise MalformedInput(f"The query parameter `{shown(name)}` holds a NUL character or an "
                                 "unpaired surrogate; remove it.", name=shown(name))
    if has_unstorable(request.headers.get("Authorization", "")):
        raise MalformedInput("The Authorization header holds a NUL character; send the token as it was issued.",
                             name="Authorization")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if has_unstorable(name) or has_unstorable(value):
                raise MalformedInput(f"The form field `{shown(name)}` holds a NUL character or an "
                                     "unpaired surrogate; remove it.", name=shown(name))
    if request.is_json:
        _guard_json()


def _guard_json() -> None:
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"A JSON body may be at most {MAX_JSON_BYTES // 1024} KiB; send less.")
    body = request.get_data(cache=True)
    if len(body) > MAX_JSON_BYTES:  # chunked bodies have no Content-Length
        raise PayloadTooLarge(f"A JSON body may be at most {MAX_JSON_BYTES // 1024} KiB; send less.")
    if too_deep(body):
        raise MalformedInput(f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep; send a flatter document.")
    document = request.get_json(silent=True)  # cached: the view reads the same value
    for key, _value in unstorable_in(document):
        raise MalformedInput(f"The JSON body holds a NUL character, an unpaired surrogate (\\u0000, \\ud800) "
                             f"or a number that is not finite (NaN, Infinity) at `{key or '(root)'}`; remove it.",
                             name=key or "body")


def too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``body`` nest deeper than ``limit``.

    Brackets inside strings do not count. One pass of a regex whose
    alternatives start with different characters, so linear time.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False
