"""YAML 1.2 read at C speed: libyaml's scanner and parser, ruamel's composer and constructor.

ruamel's pure-Python scanner was about a third of the CPU of a publish. Here
libyaml (through PyYAML's C binding) turns the text into events, and ruamel
composes and constructs them exactly as it does its own: the YAML 1.2 resolver
(``yes`` stays text, ``0644`` is 644), duplicate keys refused, ``max_depth``
enforced by the composer, merge keys and aliases as before.

The two scanners do not agree on everything. Where they may not, ``Unsuitable``
is raised before anything is returned and the caller reads the text with
ruamel alone, which then decides, and words any error. That is the case for:

- a ``%YAML`` directive (ruamel switches to YAML 1.1 for ``%YAML 1.1``);
- tabs, byte order marks and the line breaks NEL, LS and PS inside the text;
- anchors or aliases followed by ``:`` (``*a:`` is the alias ``a:`` in 1.2);
- block scalars with a comment right after the indicator (``|#``), with no
  indented content, or starting with a whitespace-only line holding a space;
- document end markers (``...``);
- any explicit tag other than a plain ``!!name`` of the YAML core.

Every error of the fast path (libyaml's, or the composer's and constructor's)
is also a reason to read the text again with ruamel alone. The node marks of
the fast path are libyaml's; their lines agree with ruamel's except for empty
values, whose position neither path reports.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

import yaml as libyaml
from ruamel.yaml import events
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

#: Whether this machine's PyYAML has libyaml: without it there is no fast path.
AVAILABLE = bool(getattr(libyaml, "__with_libyaml__", False))

# Each alternative repeats a class that excludes the character it starts with, so the
# runs of two matches never overlap: linear on any text.
_DISAGREEING_TEXT = re.compile(r"[|>][-+0-9]*#|[&*][^\s\[\]{},&*]*:|(?:^|\n)\.\.\.")
_DISAGREEING_CHARACTERS = frozenset("\t\ufeff\x85\u2028\u2029")
_CORE_TAG = re.compile(r"tag:yaml\.org,2002:[a-z]+")


class Unsuitable(Exception):
    """The text uses something the two parsers may read differently."""


def check_suitable(text: str) -> None:
    """Raise ``Unsuitable`` for text the fast path must leave to ruamel."""
    if not _DISAGREEING_CHARACTERS.isdisjoint(text) or _DISAGREEING_TEXT.search(text):
        raise Unsuitable


def _tag(tag: str | None) -> Tag | None:
    if tag is None:
        return None
    if not _CORE_TAG.fullmatch(tag):
        raise Unsuitable
    return Tag(suffix=tag)


def _block_scalar_differs(text: str, start: int, end: int) -> bool:
    """Whether ruamel may read this block scalar otherwise: its content is not
    indented (or there is none), or a whitespace-only line with a space leads it."""
    at = text.find("\n", start, end)
    while at != -1 and at + 1 < end:
        following = text.find("\n", at + 1, end)
        line = text[at + 1:end if following == -1 else following]
        if line.strip(" "):
            return not line.startswith(" ")
        if " " in line:
            return True
        at = following
    return True


def _events(text: str) -> Generator[events.Event, None, None]:
    """ruamel's events for libyaml's, or ``Unsuitable``."""
    check_suitable(text)
    event: Any
    for event in libyaml.parse(text, Loader=libyaml.CSafeLoader):
        kind = type(event)
        if kind is libyaml.ScalarEvent:
            if event.style in ("|", ">") and _block_scalar_differs(
                    text, event.start_mark.index, event.end_mark.index):
                raise Unsuitable
            yield events.ScalarEvent(event.anchor, _tag(event.tag), event.implicit, event.value,
                                     event.start_mark, event.end_mark, event.style or None)
        elif kind is libyaml.MappingStartEvent:
            yield events.MappingStartEvent(event.anchor, _tag(event.tag), event.implicit,
                                           event.start_mark, event.end_mark, event.flow_style)
        elif kind is libyaml.SequenceStartEvent:
            yield events.SequenceStartEvent(event.anchor, _tag(event.tag), event.implicit,
                                            event.start_mark, event.end_mark, event.flow_style)
        elif kind is libyaml.MappingEndEvent:
            yield events.MappingEndEvent(event.start_mark, event.end_mark)
        elif kind is libyaml.SequenceEndEvent:
            yield events.SequenceEndEvent(event.start_mark, event.end_mark)
        elif kind is libyaml.AliasEvent:
            yield events.AliasEvent(event.anchor, event.start_mark, event.end_mark)
        elif kind is libyaml.DocumentStartEvent:
            if event.version is not None:
                raise Unsuitable
            yield events.DocumentStartEvent(event.start_mark, event.end_mark, event.explicit)
        elif kind is libyaml.DocumentEndEvent:
            yield events.DocumentEndEvent(event.start_mark, event.end_mark, event.explicit)
        elif kind is libyaml.StreamStartEvent:
            yield events.StreamStartEvent(event.start_mark, event.end_mark)
        elif kind is libyaml.StreamEndEvent:
            yield events.StreamEndEvent(event.start_mark, event.end_mark)


class EventLoader(Composer, SafeConstructor, VersionedResolver):
    """ruamel's composer, safe constructor and YAML 1.2 resolver over libyaml's events.

    It is its own parser (``check_event``, ``peek_event``, ``get_event``), as
    ruamel's own C loader is. One per document stream.
    """

    def __init__(self, text: str, *, max_depth: int, allow_duplicate_keys: bool = False) -> None:
        self._source = _events(text)
        self._next: events.Event | None = None
        self.max_depth = max_depth
        self.allow_duplicate_keys = allow_duplicate_keys
        Composer.__init__(self, loader=self)
        SafeConstructor.__init__(self, loader=self)
        VersionedResolver.__init__(self, version=None, loadumper=self)
        self._parser = self._composer = self

    def peek_event(self) -> Any:
        if self._next is None:
            self._next = next(self._source, None)
        return self._next

    def check_event(self, *choices: Any) -> bool:
        event = self.peek_event()
        return event is not None and (not choices or isinstance(event, choices))

    def get_event(self) -> Any:
        event, self._next = self.peek_event(), None
        return event

    def dispose(self) -> None:
        self._source.close()


#: What the fast path may raise besides ruamel's own errors: then ruamel alone reads the text.
FAST_PATH_ERRORS: tuple[type[BaseException], ...] = (Unsuitable, libyaml.YAMLError)
