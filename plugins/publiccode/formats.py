"""Checks of single values: URLs, e-mail, dates, MIME types, countries, licences, lengths."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from urllib.parse import urlsplit

import pycountry
import regex
from email_validator import EmailNotValidError, validate_email
from license_expression import ExpressionError

from plugins.publiccode.vocabularies import OEMBED_VIDEO_SCHEMES
from sdk.licences import validate_spdx

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# type/subtype as RFC 2045 allows them, optional surrounding spaces (jshttp/media-typer).
_MIME = re.compile(r"^ *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *\Z")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+\Z", re.I)
# iPA codes (indicepa.gov.it) are at most 8 letters, digits or underscores.
_IPA_CODE = re.compile(r"^[A-Za-z0-9_]{1,8}\Z")
_GRAPHEME = regex.compile(r"\X")


def has_scheme(value: str) -> bool:
    """True for absolute URLs and URNs (``https://...``, ``urn:...``)."""
    return bool(_SCHEME.match(value))


def _parts(value: str):
    try:
        return urlsplit(value.strip().lower()) if value == value.strip() else None
    except ValueError:
        return None


def is_url(value: str) -> bool:
    """A URL with a scheme and a host (or an opaque part, as ``mailto:``)."""
    if not value or not has_scheme(value) or any(c.isspace() for c in value):
        return False
    if value.lower().startswith("file:"):
        return True
    parts = _parts(value)
    if parts is None:
        return False
    return bool(parts.netloc or parts.fragment or (parts.path and not parts.path.startswith("/")))


def is_http_url(value: str) -> bool:
    """An ``http`` or ``https`` URL with a host."""
    if not is_url(value):
        return False
    parts = _parts(value)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)


def is_uri(value: str) -> bool:
    """A URL with a host, or a URN (RFC 2141)."""
    if value.lower().startswith("urn:"):
        return bool(_URN.match(value))
    parts = _parts(value)
    return bool(parts and has_scheme(value) and parts.netloc and not any(c.isspace() for c in value))


def is_ipa_code(value: str) -> bool:
    """Looks like an Italian public administration code (iPA).

    Offline we cannot consult the daily iPA register, so only its format is checked.
    """
    return bool(_IPA_CODE.match(value)) and any(c.isalpha() for c in value)


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_date(value: str) -> bool:
    """A calendar date written ``YYYY-MM-DD``."""
    if not _DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_mime_type(value: str) -> bool:
    return bool(_MIME.match(value))


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_country(value: str) -> bool:
    """An ISO 3166-1 alpha-2 code, all upper or all lower case."""
    if value not in (value.upper(), value.lower()):
        return False
    return value.upper() in _countries()


def is_spdx_expression(value: str) -> bool:
    """A valid SPDX licence expression (``LicenseRef-`` identifiers allowed)."""
    if not value.strip():
        return False
    try:
        info = validate_spdx(value)
    except (ExpressionError, AttributeError, TypeError):
        return False  # the parser raises on malformed expressions such as "MIT AND"
    unknown = [
        s
        for s in info.invalid_symbols
        if not re.match(r"^(DocumentRef-[^:]+:)?LicenseRef-[A-Za-z0-9.-]+\Z", s)
    ]
    other_errors = [e for e in info.errors if not e.startswith("Unknown license key")]
    return not unknown and not other_errors


def length(value: str, at_most: int | None = None) -> int:
    """Length in characters as displayed (extended grapheme clusters).

    With ``at_most``, counting stops past that many (the answer is then
    ``at_most + 1``): judging a limit costs time in the limit, not in the text.
    """
    if value.isascii():  # the common case, at C speed: only CR LF is one cluster of two
        return len(value) - value.count("\r\n")
    if at_most is not None and len(value) <= at_most:
        return len(_GRAPHEME.findall(value))  # short enough: count it all
    clusters = _GRAPHEME.finditer(value)
    return sum(1 for _ in (clusters if at_most is None else itertools.islice(clusters, at_most + 1)))


@functools.cache
def _oembed_patterns() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(scheme.split("*")) for scheme in OEMBED_VIDEO_SCHEMES)


def _glob_matches(parts: tuple[str, ...], value: str) -> bool:
    """``value`` matches the pattern ``"*".join(parts)``, where ``*`` is any run of characters.

    Leftmost matching of each fixed part is exact for ``*``-only patterns and
    takes linear time, where a regex of several ``.*`` backtracks.
    """
    if len(parts) == 1:
        return value == parts[0]
    head, *middle, tail = parts
    if len(value) < len(head) + len(tail) or not (value.startswith(head) and value.endswith(tail)):
        return False
    position, end = len(head), len(value) - len(tail)
    for part in middle:
        found = value.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def is_oembed_video(value: str) -> bool:
    """The URL is on a video host that supports oEmbed."""
    if "\n" in value:
        return False  # a URL is one line
    return any(_glob_matches(parts, value) for parts in _oembed_patterns())
