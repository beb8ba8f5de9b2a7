"""Reading YAML documents from packages: YAML 1.2, strict, bounded.

YAML 1.2 keeps ``yes`` and ``on`` strings and dates as text, which is what
authors of these files mean. Duplicate keys are an error, not a silent
overwrite. Nesting deeper than ``MAX_DEPTH`` is refused before it exhausts the
parser's recursion, and so is what cannot be stored or shown: escapes such as
``"\\0"`` and ``"\\ud800"`` (NUL, an unpaired surrogate), and ``.inf``/``.nan``.
A reader that wants every mistake of a document at once (the manifest) may read
past repeated keys: each is an error, and the first value counts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sdk import libyaml_events
from sdk.budget import checkpoint
from sdk.findings import Finding
from sdk.text import UNSTORABLE, describe, unstorable_in

MAX_DOCUMENT_BYTES = 1024 * 1024
#: Deeper than any manifest, profile or Kubernetes object needs, far below Python's recursion limit.
MAX_DEPTH = 64


class _SafeYAML(YAML):
    """ruamel's pure-Python safe YAML, without a search of the disk on every instance."""

    def official_plug_ins(self) -> Any:
        # ruamel globs its folder for plug-ins whenever a YAML() is made: a large part of
        # reading a small document. What is installed does not change while we run.
        return list(_plug_ins())


@functools.cache
def _plug_ins() -> tuple[str, ...]:
    return tuple(YAML.official_plug_ins(None))  # type: ignore[arg-type]  # it reads only its module's path


def safe_yaml() -> YAML:
    """A fresh pure-Python safe parser (one per document: a parser holds state)."""
    return _SafeYAML(typ="safe", pure=True)


def _loader(allow_duplicate_keys: bool = False) -> YAML:
    yaml = safe_yaml()
    yaml.allow_duplicate_keys = allow_duplicate_keys
    yaml.max_depth = MAX_DEPTH
    return yaml


#: Anything the fast path raises sends the text to ruamel alone, which decides and words the error.
_LEAVE_TO_RUAMEL: tuple[type[BaseException], ...] = (YAMLError, RecursionError,
                                                   *libyaml_events.FAST_PATH_ERRORS)
_Read = TypeVar("_Read")


def _fast_or_ruamel(text: str, fast: Callable[[libyaml_events.Reader], _Read], ruamel: Callable[[], _Read],
                    *, max_depth: int = MAX_DEPTH, allow_duplicate_keys: bool = False) -> _Read:
    """``fast`` over libyaml's events where this machine has libyaml and the parsers agree on
    ``text``, else ``ruamel`` (whose errors, ``YAMLError`` and ``RecursionError``, propagate)."""
    if libyaml_events.AVAILABLE:
        try:
            return fast(libyaml_events.Reader(text, max_depth=max_depth, allow_duplicate_keys=allow_duplicate_keys))
        except _LEAVE_TO_RUAMEL:
            pass
    return ruamel()


def read_document(text: str, allow_duplicate_keys: bool = False) -> Any:
    """One YAML 1.2 document as data."""
    return _fast_or_ruamel(text, libyaml_events.Reader.single_document,
                           lambda: _loader(allow_duplicate_keys).load(text), allow_duplicate_keys=allow_duplicate_keys)


#: What ``compose_with_data`` gives for data that the parse of the nodes could not also give.
NOT_BUILT = libyaml_events.NOT_BUILT


def compose_document(text: str, max_depth: int = MAX_DEPTH) -> Node | None:
    """The YAML 1.2 nodes of one document, whatever ``%YAML`` the text claims."""
    return _fast_or_ruamel(text, libyaml_events.Reader.single_node, lambda: _ruamel_nodes(text, max_depth),
                           max_depth=max_depth)


def compose_with_data(text: str, max_depth: int = MAX_DEPTH) -> tuple[Node | None, Any]:
    """``compose_document``, and what ``read_document`` gives for the same text where the
    same parse can tell (the common case), else ``NOT_BUILT``: one parse for a reader that
    needs the nodes (their lines) and readers of the data."""
    return _fast_or_ruamel(text, libyaml_events.Reader.single_node_and_data,
                           lambda: (_ruamel_nodes(text, max_depth), NOT_BUILT), max_depth=max_depth)


def _ruamel_nodes(text: str, max_depth: int) -> Node | None:
    yaml = safe_yaml()
    yaml.version = (1, 2)
    yaml.max_depth = max_depth
    composed: Node | None = yaml.compose(text)
    return composed


def _documents(text: str, limit: int | None) -> list[Any]:
    """The non-empty documents of a stream, at most ``limit``; checks the time budget between them."""
    def collect(documents: Iterator[Any]) -> list[Any]:
        found: list[Any] = []
        for document in documents:
            checkpoint()
            if document is not None:
                found.append(document)
                if limit is not None and len(found) >= limit:
                    break
        return found

    return _fast_or_ruamel(text, lambda reader: collect(reader.documents()), lambda: collect(_loader().load_all(text)))


def _too_deep(path: str) -> Finding:
    return Finding.error("yaml.too-deep", key=path, data={"path": path, "limit": MAX_DEPTH})


def _unstorable(document: Any, path: str) -> list[Finding]:
    """A finding for each text that holds NUL or an unpaired surrogate, and each
    number that is not finite."""
    findings = []
    for key, value in unstorable_in(document):
        place = f"{path}: {key}" if key else path
        if isinstance(value, float):
            findings.append(Finding.error("yaml.not-finite", key=path, data={"place": place, "value": str(value)}))
            continue
        found = UNSTORABLE.search(value)
        bad = found.group() if found else ""  # unstorable_in only yields texts that hold one
        findings.append(Finding.error("yaml.invalid-character", key=path,
                                      data={"place": place, "character": describe(bad)}))
    return findings


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text of a document, or a finding that says how to fix the encoding."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            Finding.error("yaml.encoding", key=path, data={"path": path, "offset": exc.start})
        ]


def load_yaml(raw: bytes, path: str, *, read_past_duplicates: bool = False) -> tuple[Any, list[Finding]]:
    """Parse one YAML document; problems come back as findings keyed by ``path``.

    With ``read_past_duplicates``, a document whose only fault is a repeated key
    comes back with a ``yaml.duplicate-key`` error for each, so that its reader can
    still check the rest; otherwise a repeated key leaves no document.
    """
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, [
            Finding.error("yaml.too-large", key=path, data={"path": path, "limitKib": MAX_DOCUMENT_BYTES // 1024})
        ]
    text, findings = decode_text(raw, path)
    if text is None:
        return None, findings
    repeated: list[Finding] = []
    try:
        try:
            document = read_document(text)
        except DuplicateKeyError:
            if not read_past_duplicates:
                raise
            document, repeated = read_document(text, allow_duplicate_keys=True), duplicate_keys(text, path)
    except MaxDepthExceededError:
        return None, [_too_deep(path)]
    except YAMLError as exc:
        return None, [_syntax(path, exc)]
    except RecursionError:  # a few hundred `[` are enough: the parser recurses per level
        return None, [_too_deep(path)]
    problems = _unstorable(document, path)
    return (None, problems) if problems else (document, repeated)


def duplicate_keys(text: str, path: str) -> list[Finding]:
    """A ``yaml.duplicate-key`` error for each key a mapping repeats, in document order.

    Walks the composed nodes once each (an alias refers to a node already seen),
    so that a document of many aliases costs no more than its size.
    """
    found: list[Finding] = []
    seen_nodes: set[int] = set()
    pending: list[Node] = [_loader().compose(text)]
    while pending:
        node = pending.pop()
        if node is None or id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value in keys:
                    found.append(Finding.error("yaml.duplicate-key", key=path, data={
                        "path": path, "name": str(key.value)[:100], "line": key.start_mark.line + 1}))
                elif isinstance(key, ScalarNode):
                    keys.add(key.value)
                pending.append(value)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
    return sorted(found, key=lambda f: f.data["line"])


def load_yaml_stream(raw: bytes, path: str, limit: int | None = None) -> tuple[list[Any], list[Finding]]:
    """Parse a multi-document YAML file (Kubernetes manifests); empty documents are dropped.

    With ``limit``, parsing stops after that many documents: the rest is not
    read (the caller reports a file with too many).
    """
    text, findings = decode_text(raw, path)
    if text is None:
        return [], findings
    try:
        documents = _documents(text, limit)
    except MaxDepthExceededError:
        return [], [_too_deep(path)]
    except YAMLError as exc:
        return [], [_syntax(path, exc)]
    except RecursionError:
        return [], [_too_deep(path)]
    problems = _unstorable(documents, path)
    return ([], problems) if problems else (documents, [])


def _syntax(path: str, exc: YAMLError) -> Finding:
    # The parser's own words stay English: they come from the YAML library.
    return Finding.error("yaml.syntax", key=path, data={"path": path, "problem": _brief(exc)})


def _brief(exc: YAMLError) -> str:
    """The parser's message on one line, with its position (cut short: it may quote the text)."""
    return " ".join(str(exc).split())[:300]
