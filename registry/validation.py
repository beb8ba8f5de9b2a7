"""Reading input through pydantic models: every problem at once, as ``invalidParams``.

A pydantic ``ValidationError`` becomes one ``InvalidInput`` (400) whose problems name
the field as a dot path (``pricing.model``, ``hosting[1]``) or the query parameter,
with a stable code that clients can translate and an English reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails, PydanticCustomError

from registry.errors import InvalidInput
from sdk.problems import InvalidParam

Model = TypeVar("Model", bound=BaseModel)

#: The whole body, where the problem is not one field's (e.g. an array instead of an object).
BODY = "body"
MAX_REASON = 300
#: At most this many problems are named: enough to fix a body, never a flood.
MAX_PROBLEMS = 100

#: pydantic's error types, grouped into our stable codes.
_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown",
    "string_too_long": "too-long",
    "too_long": "too-long",
    "string_too_short": "required",
    "too_short": "required",
    "literal_error": "enum",
    "enum": "enum",
    "string_pattern_mismatch": "format",
    "greater_than": "range",
    "greater_than_equal": "range",
    "less_than": "range",
    "less_than_equal": "range",
    "json_invalid": "json",
}


class InputModel(BaseModel):
    """A request body: camelCase keys, strict types (no "1" for 1), unknown fields refused."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", strict=True)


class QueryModel(BaseModel):
    """Query parameters: text converted to numbers where the field says so; others ignored."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore")


def parsed(model: type[Model], data: Any, *, context: Mapping[str, Any] | None = None) -> Model:
    """``data`` as ``model``, or ``InvalidInput`` naming every problem."""
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as error:
        raise InvalidInput(invalid_params(error)) from None


def invalid_params(error: ValidationError) -> list[InvalidParam]:
    details = error.errors(include_url=False, include_input=False, include_context=False)
    return [_param(detail) for detail in details[:MAX_PROBLEMS]]


def problem(code: str, reason: str) -> PydanticCustomError:
    """A problem a validator raises, with our own stable code."""
    return PydanticCustomError(code, reason)


def _param(detail: ErrorDetails) -> InvalidParam:
    kind = detail["type"]
    code = _CODES.get(kind) or ("type" if kind.endswith("_type") or kind.endswith("_parsing") else kind)
    if kind in ("value_error", "assertion_error"):
        code = "invalid"
    return InvalidParam(_name(detail["loc"]), code, _reason(detail))


def _name(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        elif not part.startswith("function-") and not part.endswith("]"):  # union and validator labels
            name += f".{part}" if name else part
    return name or BODY


def _reason(detail: ErrorDetails) -> str:
    if detail["type"] == "extra_forbidden":
        return "Unknown field; leave it out (the OpenAPI document lists the fields)."
    if detail["type"] == "missing":
        return "This field is required."
    reason = detail["msg"].removeprefix("Value error, ")
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
