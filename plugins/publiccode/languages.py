"""Strict BCP 47 language tags, as the reference checker accepts them.

Stricter than most parsers: POSIX forms (``en_GB``) are rejected, a primary
language must be a registered ISO 639 code, and a three-letter code that has a
two-letter form (``eng`` for ``en``) is rejected in favour of the short one.
"""

from __future__ import annotations

import functools
import re

import langcodes
import pycountry

_ALNUM = "[a-z0-9]"
#: Far longer than any registered tag; longer text is refused before a regex sees it.
MAX_TAG_LENGTH = 128
# RFC 5646 language tag (without the irregular grandfathered forms, handled below).
_LANGTAG = re.compile(
    r"^(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    rf"(?:-(?P<variants>(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}})(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*))?"
    rf"(?:-(?P<extensions>[a-wyz0-9](?:-{_ALNUM}{{2,8}})+(?:-[a-wyz0-9](?:-{_ALNUM}{{2,8}})+)*))?"
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?\Z"
)
_PRIVATE_USE = re.compile(rf"^x(?:-{_ALNUM}{{1,8}})+\Z")
_GRANDFATHERED = frozenset(
    """
en-gb-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn
i-tao i-tay i-tsu sgn-be-fr sgn-be-nl sgn-ch-de art-lojban cel-gaulish no-bok no-nyn
zh-guoyu zh-hakka zh-min zh-min-nan zh-xiang
""".split()
)


@functools.lru_cache(maxsize=1024)  # bounded: the codes come from uploads
def _has_two_letter_form(code: str) -> bool:
    language = pycountry.languages.get(alpha_3=code)
    if language is None:
        try:
            language = pycountry.languages.get(bibliographic=code)
        except (KeyError, LookupError):
            language = None
    return language is not None and hasattr(language, "alpha_2")


@functools.lru_cache(maxsize=4096)  # bounded: the values come from uploads
def is_language_tag(value: str, strict: bool = True) -> bool:
    """A well-formed, registered BCP 47 tag (``en``, ``en-GB``, ``sl-IT-nedis``).

    ``strict`` (description keys) also refuses a three-letter code with a two-letter
    form; ``localisation.availableLanguages`` accepts ``ita`` for ``it``.
    """
    if len(value) > MAX_TAG_LENGTH:
        return False
    tag = value.lower()
    if tag in _GRANDFATHERED or _PRIVATE_USE.match(tag):
        return True
    match = _LANGTAG.match(tag)
    if match is None:
        return False
    language = match.group("language")
    primary = language.split("-", 1)[0]
    if len(primary) > 3:
        return False  # 4-8 letter primary subtags are reserved or unregistered
    if strict and len(primary) == 3 and _has_two_letter_form(primary):
        return False
    try:
        return langcodes.tag_is_valid(tag)
    except (ValueError, LookupError):
        return False
