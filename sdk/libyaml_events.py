"""YAML 1.2 read at C speed: libyaml's scanner and parser, then data or ruamel's nodes.

ruamel's pure-Python scanner was about a third of the CPU of a publish. Here
libyaml (through PyYAML's C binding) turns the text into events, which are read
one of two ways:

- The direct path (``Reader.documents`` and ``Reader.single_document``) builds
  the data from the events: a dict per mapping, a list per sequence, quoted and
  block scalars as text, and a plain scalar as what ruamel's safe constructor
  makes of it under ruamel's YAML 1.2 resolver (``yes`` stays text, ``0644`` is
  644, ``2024-05-01`` a ``datetime.date``), constructed once by ruamel per text
  and remembered. No node is made: building nodes and running ruamel's
  constructor over them cost more than the parse. It reads only what is common;
  at the first anchor, alias, explicit tag, merge key (``<<``), scalar resolved
  to anything but text, null, bool, int, float or timestamp (``=``), or that
  ruamel cannot construct (``2024-13-45``), repeated key or key that is a
  collection, it gives up and the node path reads the same text from the start
  (skipping the documents already returned, which read the same either way).
  The walk over the events (``build_documents``) also serves other readers with
  their own resolution of plain scalars (the YAML 1.1 of Kubernetes objects).
- The node path (``Reader.nodes``, also behind ``compose_document``, whose callers
  need line marks) composes the events into ruamel's nodes, tagged by that
  resolver, and ruamel's safe constructor makes the data as it does its own:
  duplicate keys refused, merge keys and aliases as before. ``compose_with_data``
  (``Reader.single_node_and_data``) keeps the events it composed and builds the direct
  path's data from them too: one read for a reader of lines and the readers of data.

Anything deeper than ``max_depth``, an unknown alias and a collection that holds
itself are left to ruamel, which refuses them in its words.

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

import datetime
import re
from collections.abc import Callable, Generator, Iterable
from typing import Any

import yaml as libyaml
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

#: Whether this machine's PyYAML has libyaml: without it there is no fast path.
AVAILABLE = bool(getattr(libyaml, "__with_libyaml__", False))

# Each pattern starts with a character class and its repetition excludes that class's
# characters, so two runs never overlap: linear on any text. Each is searched only when
# the text holds its first character (a search in C): most texts hold neither.
_COMMENT_AFTER_INDICATOR = re.compile(r"[|>][-+0-9]*#")
_NAME_BEFORE_COLON = re.compile(r"[&*][^\s\[\]{},&*]*:")
_DISAGREEING_CHARACTERS = ("\t", "\ufeff", "\x85", "\u2028", "\u2029")
_CORE_TAG = re.compile(r"tag:yaml\.org,2002:[a-z]+")


#: Tags of plain scalars seen before, by text; bounded in the length and number of texts kept.
_SCALAR_TAGS: dict[str, Any] = {}
_REMEMBERED_LENGTH, _REMEMBERED_SCALARS = 64, 20_000


class Unsuitable(Exception):
    """The text uses something the two parsers may read differently."""


class Uncommon(Exception):
    """The events hold something a direct data path leaves to a slower reader."""


#: Values of plain scalars seen before, by text (bounded as ``_SCALAR_TAGS``); ``UNCOMMON``
#: for a text the direct path leaves to the node path.
_PLAIN_VALUES: dict[str, Any] = {}
_NO_KEY, _UNSEEN = object(), object()
#: What a plain scalar's constructor returns for a text a direct path leaves to a slower reader.
UNCOMMON = object()
#: What ``Reader.single_node_and_data`` gives for data it did not build.
NOT_BUILT = object()
STR_TAG = "tag:yaml.org,2002:str"
#: Tags whose plain scalars a direct path constructs (besides str, which is the text itself).
SIMPLE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DIRECT_TAGS = SIMPLE_TAGS | {_TIMESTAMP_TAG}
#: The types of plain scalars' values that may be shared between documents. ruamel's safe
#: constructor makes a date a ``datetime.date`` and a date-time a ``datetime.datetime``
#: (its time zone a ``datetime.timezone``), all immutable. A subclass would not be remembered:
#: ruamel's ``TimeStamp`` (not made under typ="safe") carries a mutable ``_yaml``.
_IMMUTABLE = (type(None), bool, int, float, datetime.date, datetime.datetime)


def check_suitable(text: str) -> None:
    """Raise ``Unsuitable`` for text the fast path must leave to ruamel."""
    if (any(character in text for character in _DISAGREEING_CHARACTERS)
            or ("#" in text and _COMMENT_AFTER_INDICATOR.search(text))
            or (("&" in text or "*" in text) and _NAME_BEFORE_COLON.search(text))
            or text.startswith("...") or "\n..." in text):  # a document end marker
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


def _node_tag(tag: str | None) -> Tag | None:
    """An explicit tag of the YAML core, or None to resolve (a lone ``!`` is resolved too)."""
    return None if tag == "!" else _tag(tag)


class Reader(SafeConstructor, VersionedResolver):
    """Composes libyaml's events into ruamel's nodes and constructs them with ruamel's
    safe constructor and YAML 1.2 resolver: what ruamel's composer does, without its
    event objects and per-node bookkeeping. One per document stream."""

    def __init__(self, text: str, *, max_depth: int, allow_duplicate_keys: bool = False) -> None:
        self.text = text
        self.max_depth = max_depth
        self.allow_duplicate_keys = allow_duplicate_keys
        SafeConstructor.__init__(self, loader=self)
        VersionedResolver.__init__(self, version=None, loadumper=self)

    @property
    def processing_version(self) -> tuple[int, int]:
        # YAML 1.2 always: a %YAML directive sends the text to ruamel alone. (ruamel looks
        # the version up per scalar through its parser, which this reader has not.)
        return (1, 2)

    def nodes(self, events: Iterable[Any] | None = None) -> Generator[Node | None, None, None]:
        """The root node of each document (None for an empty one), or ``Unsuitable``; of
        ``events`` when they were read already (libyaml's events of this text)."""
        check_suitable(self.text)
        anchors: dict[str, Node] = {}
        stack: list[Node] = []  # the open collections
        root: Node | None = None
        event: Any
        for event in self._events() if events is None else events:
            kind = type(event)
            node: Node | None = None
            if kind is libyaml.ScalarEvent:
                if event.style in ("|", ">") and _block_scalar_differs(
                        self.text, event.start_mark.index, event.end_mark.index):
                    raise Unsuitable
                tag = _node_tag(event.tag) or self._scalar_tag(event.value, event.implicit)
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                  style=event.style or None, anchor=event.anchor)
            elif kind is libyaml.MappingStartEvent or kind is libyaml.SequenceStartEvent:
                if len(stack) + 1 >= self.max_depth:
                    raise Unsuitable  # ruamel words the refusal
                mapping = kind is libyaml.MappingStartEvent
                shape = MappingNode if mapping else SequenceNode
                tag = _node_tag(event.tag) or self.resolve(shape, None, event.implicit)
                node = shape(tag, [], event.start_mark, None, flow_style=event.flow_style, anchor=event.anchor)
            elif kind is libyaml.AliasEvent:
                found = anchors.get(event.anchor)
                if found is None or not stack or any(found is open_node for open_node in stack):
                    raise Unsuitable  # an unknown alias, or a collection that holds itself
                self._place(stack, found)
                continue
            elif kind is libyaml.MappingEndEvent or kind is libyaml.SequenceEndEvent:
                closed = stack.pop()
                closed.end_mark = event.end_mark
                if not stack:
                    root = closed
                continue
            elif kind is libyaml.DocumentStartEvent:
                if event.version is not None:
                    raise Unsuitable
                anchors, root = {}, None
                continue
            elif kind is libyaml.DocumentEndEvent:
                if event.explicit:
                    raise Unsuitable
                yield root
                continue
            else:
                continue  # stream start and end
            if event.anchor is not None:
                anchors[event.anchor] = node
            if isinstance(node, ScalarNode):
                if not stack:
                    root = node
                else:
                    self._place(stack, node)
            else:
                if stack:
                    self._place(stack, node)
                stack.append(node)

    def _scalar_tag(self, value: str, implicit: tuple[bool, bool]) -> Any:
        """The resolver's tag of a plain scalar, remembered by value: the keys and many
        values of Kubernetes manifests and publiccode.yml recur in every package, and
        each resolution tries the resolver's patterns in turn. (A plain scalar's tag
        depends on its text alone: this reader has no path resolvers.)"""
        if not implicit[0] or len(value) > _REMEMBERED_LENGTH:
            return self.resolve(ScalarNode, value, implicit)
        tag = _SCALAR_TAGS.get(value)
        if tag is None:
            tag = self.resolve(ScalarNode, value, implicit)
            if len(_SCALAR_TAGS) < _REMEMBERED_SCALARS:
                _SCALAR_TAGS[value] = tag
        return tag

    @staticmethod
    def _place(stack: list[Node], node: Node) -> None:
        """Put ``node`` in the innermost open collection: a mapping takes key, then value."""
        parent = stack[-1]
        if isinstance(parent, SequenceNode):
            parent.value.append(node)
        elif parent.value and parent.value[-1][1] is None:
            parent.value[-1] = (parent.value[-1][0], node)
        else:
            parent.value.append((node, None))

    def documents(self) -> Generator[Any, None, None]:
        """The data of each document: straight from the events while they hold only the
        common things, then, from the first document that does not, through nodes."""
        return with_fallback(self._direct_documents(), self._node_documents, (Uncommon,))

    def _node_documents(self, skip: int) -> Generator[Any, None, None]:
        """The data of each document through nodes, past the first ``skip`` (not constructed)."""
        for index, node in enumerate(self.nodes()):
            if index >= skip:
                yield None if node is None else self.construct_document(node)

    def single_node(self, events: Iterable[Any] | None = None) -> Node | None:
        """The root node of the only document, or ``Unsuitable`` (ruamel refuses a second)."""
        found = list(self.nodes(events))
        if len(found) > 1:
            raise Unsuitable
        return found[0] if found else None

    def single_node_and_data(self) -> tuple[Node | None, Any]:
        """The root node of the only document, and the data that ``single_document`` would
        give for it where the direct path builds it (``NOT_BUILT`` where it would leave the
        document to the node path): both of one read of the text, as the direct path builds
        its data from the very events that make the nodes."""
        events = list(self._events())
        root = self.single_node(events)
        if root is None:
            return None, NOT_BUILT
        try:
            return root, next(self._direct_documents(events))
        except Uncommon:
            return root, NOT_BUILT

    def single_document(self) -> Any:
        """The data of the only document, or ``Unsuitable`` (ruamel refuses a second)."""
        try:
            found = list(self._direct_documents())
        except Uncommon:
            node = self.single_node()
            return None if node is None else self.construct_document(node)
        if len(found) > 1:
            raise Unsuitable
        return found[0] if found else None

    def _direct_documents(self, events: Iterable[Any] | None = None) -> Generator[Any, None, None]:
        """The data of each document built from the events, without nodes; ``Uncommon`` for
        what the node path must read, ``Unsuitable`` where that path would raise it. Given
        ``events``, the ones ``nodes`` read already, the text was found suitable there."""
        if events is None:
            check_suitable(self.text)
            events = self._events()
        yield from build_documents(events, self._scalar, max_depth=self.max_depth, too_deep=Unsuitable,
                                   document=_plain_document)

    def _events(self) -> Iterable[Any]:
        """libyaml's events of this text, as they are parsed."""
        return libyaml.parse(self.text, Loader=libyaml.CSafeLoader)

    def _scalar(self, event: Any) -> Any:
        """An untagged scalar event's value: ``Unsuitable`` for a block scalar the node path refuses."""
        if event.style in ("|", ">") and _block_scalar_differs(
                self.text, event.start_mark.index, event.end_mark.index):
            raise Unsuitable
        # Plain scalars are resolved, quoted and block scalars are text.
        return remembered(_PLAIN_VALUES, event.value, self._construct_plain) if event.implicit[0] else event.value

    def _construct_plain(self, text: str) -> Any:
        """A plain scalar's value as ruamel's safe constructor makes it (a date too), or
        ``UNCOMMON`` for a tag other than str, null, bool, int, float and timestamp, or a text
        it cannot construct, which the node path raises where it always has (2024-13-45)."""
        return plain_value(self._scalar_tag(text, (True, False)), text,
                           lambda tag: self.construct_document(ScalarNode(tag, text)), _DIRECT_TAGS)


def plain_value(tag: Any, text: str, construct: Callable[[Any], Any], tags: frozenset[str]) -> Any:
    """The value of a plain scalar whose resolver gave it ``tag``: the text itself for a string,
    ``construct(tag)`` for one of ``tags``; ``UNCOMMON`` for any other tag, a constructor's
    error, or a value that is not immutable (values are remembered and shared between documents)."""
    if str(tag) == STR_TAG:
        return text
    if str(tag) not in tags:
        return UNCOMMON
    try:
        value = construct(tag)
    except Exception:  # whatever it is, the slower reader decides and words it
        return UNCOMMON
    return value if type(value) in _IMMUTABLE else UNCOMMON


def _plain_document(event: Any) -> None:
    """``Unsuitable`` for a ``%YAML`` directive or a document end marker, which the node path refuses."""
    if (event.version is not None) if type(event) is libyaml.DocumentStartEvent else event.explicit:
        raise Unsuitable


def remembered(values: dict[str, Any], text: str, construct: Callable[[str], Any]) -> Any:
    """A plain scalar's value: ``values[text]``, else ``construct(text)`` (remembered if the
    text is short and ``values`` has room; the tag of a plain scalar depends on its text
    alone); ``Uncommon`` where that is ``UNCOMMON``."""
    value = values.get(text, _UNSEEN)
    if value is _UNSEEN:
        value = construct(text)
        if len(text) <= _REMEMBERED_LENGTH and len(values) < _REMEMBERED_SCALARS:
            values[text] = value
    if value is UNCOMMON:
        raise Uncommon
    return value


def build_documents(events: Iterable[Any], scalar: Callable[[Any], Any], *, max_depth: int,
                    too_deep: type[Exception] = Uncommon, last_key_wins: bool = False,
                    document: Callable[[Any], None] | None = None) -> Generator[Any, None, None]:
    """The data of each document of libyaml's ``events``: a dict per mapping, a list per
    sequence, ``scalar(event)`` per scalar. ``Uncommon`` at an anchor, alias, explicit tag,
    key that is a collection or repeated key (unless ``last_key_wins``: then the last
    value counts, under the first key, as PyYAML's constructor has it); ``too_deep`` at
    ``max_depth`` nested collections; ``document`` sees each document start and end event."""
    stack: list[Any] = []  # the open dicts and lists
    keys: list[Any] = []  # per open collection: the key awaiting its value, or _NO_KEY
    root: Any = None
    event: Any
    for event in events:
        kind = type(event)
        if kind is libyaml.ScalarEvent:
            if event.tag is not None or event.anchor is not None:
                raise Uncommon
            value = scalar(event)
            if stack:
                _add(stack[-1], keys, value, last_key_wins)
            else:
                root = value
        elif kind is libyaml.MappingStartEvent or kind is libyaml.SequenceStartEvent:
            if event.tag is not None or event.anchor is not None:
                raise Uncommon
            if len(stack) + 1 >= max_depth:
                raise too_deep
            collection: Any = {} if kind is libyaml.MappingStartEvent else []
            if stack:
                if keys[-1] is _NO_KEY and type(stack[-1]) is dict:
                    raise Uncommon  # a collection as a key
                _add(stack[-1], keys, collection, last_key_wins)
            stack.append(collection)
            keys.append(_NO_KEY)
        elif kind is libyaml.MappingEndEvent or kind is libyaml.SequenceEndEvent:
            root = stack.pop()
            keys.pop()
        elif kind is libyaml.AliasEvent:
            raise Uncommon
        elif kind is libyaml.DocumentStartEvent:
            if document is not None:
                document(event)
            root = None
        elif kind is libyaml.DocumentEndEvent:
            if document is not None:
                document(event)
            yield root


def _add(parent: Any, keys: list[Any], value: Any, last_key_wins: bool) -> None:
    """Put ``value`` in the innermost open collection: a dict takes a key, then its value."""
    if type(parent) is list:
        parent.append(value)
    elif keys[-1] is _NO_KEY:
        if not last_key_wins and value in parent:
            raise Uncommon  # a repeated key: the node path refuses it, or keeps the first
        keys[-1] = value
    else:
        parent[keys[-1]] = value
        keys[-1] = _NO_KEY


def with_fallback(direct: Iterable[Any], fallback: Callable[[int], Iterable[Any]],
                  leave: tuple[type[BaseException], ...]) -> Generator[Any, None, None]:
    """The documents of ``direct`` until it raises one of ``leave``; then ``fallback(done)``:
    the documents of the text read again from the start, past the ``done`` ones already
    given (they read the same either way)."""
    done = 0
    try:
        for data in direct:
            yield data
            done += 1
    except leave:
        yield from fallback(done)


#: What the fast path may raise besides ruamel's own errors: then ruamel alone reads the text.
FAST_PATH_ERRORS: tuple[type[BaseException], ...] = (Unsuitable, libyaml.YAMLError)
