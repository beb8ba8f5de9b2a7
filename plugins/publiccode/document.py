"""Reading a publiccode.yml into YAML nodes (YAML 1.2), keeping the text of every scalar.

Validation works on nodes rather than Python values because the reference checker
does: a version written ``0.2`` is the text "0.2", a date stays text, ``yes`` stays a
string, and a boolean field only takes ``true`` or ``false``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sdk.text import UNSTORABLE
from sdk.text import describe as describe_character
from sdk.yamldoc import MAX_DEPTH as DATA_MAX_DEPTH
from sdk.yamldoc import NOT_BUILT, compose_with_data

MAX_BYTES = 1024 * 1024
#: Aliases can make a small file expand enormously; stop walking after this many nodes.
MAX_NODES = 200_000
#: As deep as the readers of the data go: the data this parse hands them is what they would read.
MAX_DEPTH = DATA_MAX_DEPTH

TAG_PREFIX = "tag:yaml.org,2002:"
MERGE_TAG = TAG_PREFIX + "merge"

__all__ = ["DocumentError", "MappingNode", "Node", "ScalarNode", "SequenceNode", "compose", "scalar_kind"]


@dataclass(frozen=True)
class DocumentError:
    """Why a document could not be read at all: a stable code and the data of its message."""

    code: str
    data: dict[str, Any] = field(default_factory=dict)


def compose(raw: bytes) -> tuple[Node | None, DocumentError | None, Any]:
    """The root node of the first YAML document, or why there is none; and the document's
    data where the same parse could tell what ``sdk.yamldoc`` reads it as (else ``NOT_BUILT``)."""
    if len(raw) > MAX_BYTES:
        return None, DocumentError("too-large", {"limitKib": MAX_BYTES // 1024}), NOT_BUILT
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, DocumentError("encoding", {"offset": exc.start}), NOT_BUILT
    try:
        # YAML 1.2: `yes` stays a string, whatever %YAML it claims
        root, data = compose_with_data(text, MAX_DEPTH)
    except MaxDepthExceededError:
        return None, DocumentError("yaml-syntax", {"case": "too-deep"}), NOT_BUILT
    except YAMLError as exc:
        # The parser's own words (English) stay as they are, in data.
        return None, DocumentError("yaml-syntax", {"problem": " ".join(str(exc).split())}), NOT_BUILT
    except RecursionError:
        return None, DocumentError("yaml-syntax", {"case": "too-deep"}), NOT_BUILT
    if root is None:
        return None, DocumentError("empty", {"case": "empty-file"}), NOT_BUILT
    bad = _unstorable_scalar(root)
    if bad is not None:
        found = UNSTORABLE.search(bad.value)
        character = describe_character(found.group()) if found else "?"
        problem = DocumentError("invalid-character", {"line": bad.start_mark.line + 1, "character": character})
        return None, problem, NOT_BUILT
    return root, None, data


def _unstorable_scalar(root: Node) -> ScalarNode | None:
    """The first scalar holding NUL or an unpaired surrogate; each node is visited once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if isinstance(node.value, str) and UNSTORABLE.search(node.value):
                return node
        elif isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return None


def scalar_kind(node: Node) -> str:
    """The YAML 1.2 type of a scalar: str, int, float, bool, null, timestamp, ..."""
    tag = node.tag or ""
    return tag[len(TAG_PREFIX) :] if tag.startswith(TAG_PREFIX) else "str"


def mapping_items(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key and value nodes of a mapping, with ``<<`` merge keys expanded (explicit keys win)."""
    own: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if isinstance(source, MappingNode):
                    merged.extend(mapping_items(source))
        else:
            own.append((key, value))
    names = {key.value for key, _ in own if isinstance(key, ScalarNode)}
    return own + [(k, v) for k, v in merged if not (isinstance(k, ScalarNode) and k.value in names)]


def describe(node: Node | None) -> str:
    """What a node is, as a type name for finding data: ``list``, ``number``, ``null``..."""
    if node is None:  # no document at all
        return "null"
    if isinstance(node, MappingNode):
        return "mapping"
    if isinstance(node, SequenceNode):
        return "list"
    kind = scalar_kind(node)
    return {"bool": "boolean", "int": "number", "float": "number", "timestamp": "date", "str": "string"}.get(
        kind, kind
    )
