"""The words of findings: each finding code's message, in English and Dutch.

A finding carries a ``code`` and ``data``; its text comes from the message
catalogues in ``sdk/data/messages/<language>.po`` (gettext files that
translators know, keyed by the finding code). A template names the data it
uses as ``{field}``; a code whose message depends on a count has a plural
entry (``msgid_plural``), chosen by ``data["count"]``. A code with several
wordings has an entry per wording whose context (``msgctxt``) is a condition
on its data, ``expected=list``; the entry without a context is the default.

Rendering never shows a missing value as ``None``: when the data lacks a field
the template needs, there is no message in that language and the caller falls
back (the web to English, English to the message the check wrote).
"""

from __future__ import annotations

import functools
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

LANGUAGES = ("en", "nl")
#: The data key naming a note that goes around a finding's own words
#: (``sdk.verification.noted``), and the notes there are.
NOTE = "note"
POSTPONED = "policy.not-binding-yet"
ADVISORY = "policy.advisory"
DEFAULT_LANGUAGE = "en"
#: Data fields that quote another program's own words (a parser, Helm, the resolver's
#: explanation): English in every language, so that a page can mark them as such.
QUOTED_FIELDS = ("problem", "helmMessage", "detail", "error", "explanation")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Template:
    """One catalogue entry: the singular text and, for counts, the plural,
    and the condition on the data (``field``, ``value``) under which it applies."""

    one: str
    other: str
    when: tuple[str, str] | None = None

    def applies(self, data: Mapping[str, Any]) -> bool:
        return self.when is None or (self.when[0] in data and str(data[self.when[0]]) == self.when[1])

    def fields(self) -> set[str]:
        return template_fields(self.one) | template_fields(self.other)


def template_fields(text: str) -> set[str]:
    """The ``{field}`` names a template uses (format specs are not allowed)."""
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}


@functools.cache
def catalogue(language: str) -> Mapping[str, tuple[Template, ...]]:
    """The templates of one language by finding code, conditional ones first
    (read once per process: the files are part of the installed package)."""
    if language not in LANGUAGES:
        return {}
    source = resources.files("sdk") / "data" / "messages" / f"{language}.po"
    with source.open("rb") as handle:
        parsed = read_po(handle, locale=language)
    templates: dict[str, list[Template]] = {}
    for message in parsed:
        if not message.id or not message.string:
            continue
        code = message.id if isinstance(message.id, str) else message.id[0]
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        one, other = (strings + ("",))[:2]
        template = Template(one, other or one, _condition(message.context))
        templates.setdefault(code, []).append(template)
    return {code: tuple(sorted(entries, key=lambda t: t.when is None)) for code, entries in templates.items()}


def _condition(context: str | None) -> tuple[str, str] | None:
    if not context:
        return None
    field, _, value = context.partition("=")
    return field.strip(), value.strip()


def render(code: str, data: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str | None:
    """The message for ``code`` with ``data`` in ``language``, or ``None`` when
    the catalogue has no entry for it or the data lacks a field it needs."""
    for template in catalogue(language).get(code, ()):
        if not template.applies(data):
            continue
        text = template.one if data.get("count") == 1 else template.other
        needed = template_fields(text)
        if all(data.get(name) is not None for name in needed):
            return text.format_map({name: shown(data[name], language) for name in needed})
    return None


def shown(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A data value as a reader sees it: lists joined, booleans in words."""
    if isinstance(value, bool):
        return {"en": ("no", "yes"), "nl": ("nee", "ja")}.get(language, ("no", "yes"))[value]
    if isinstance(value, list | tuple):
        return ", ".join(shown(item, language) for item in value)
    return str(value)


def describe(code: str, data: Mapping[str, Any], message: str, language: str) -> tuple[str, str]:
    """The text a reader sees and its language: the catalogue's in ``language``,
    else the English one the check wrote (findings of installed plugins that
    bring no catalogue), so that a page can mark it with ``lang="en"``."""
    text = render(code, data, language)
    if text is not None and data.get(NOTE) in (POSTPONED, ADVISORY):
        # A policy that does not bind (yet): its own words, then the note that says so.
        text = render(data[NOTE], {**data, "text": text}, language)
    if text is not None:
        return text, language
    return message, DEFAULT_LANGUAGE


#: Overrides the locale for the ``appstore`` command's texts.
LANGUAGE_ENV = "APPSTORE_LANGUAGE"


def reader_language() -> str:
    """The reader's language: ``APPSTORE_LANGUAGE``, else the locale's, else English."""
    for name in (LANGUAGE_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value[:2].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def text(code: str, **data: Any) -> str:
    """The words of ``code`` in the reader's language, else in English, else the code itself."""
    return render(code, data, reader_language()) or render(code, data) or code
