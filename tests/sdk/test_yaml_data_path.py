"""The direct data path of ``sdk.libyaml_events`` reads as the node path and as ruamel alone.

``Reader.documents`` and ``Reader.single_document`` build dicts, lists and values
straight from libyaml's events, and leave anything less common to the node path
(nodes and ruamel's constructor), which leaves what it cannot read to ruamel
alone. Data, the types of the data, and errors must be the same every way.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml as libyaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode

from sdk import libyaml_events, yamldoc
from sdk.libyaml_events import Reader, Uncommon, Unsuitable
from sdk.yamldoc import MAX_DEPTH, load_yaml_stream, read_document
from sdk.yamldoc import _documents as documents_of
from tests.sdk.test_yaml_fast_path import CONFIG_MAP, PUBLICCODE, SCALARS, _document

#: A quoted date is text, an unquoted one a date: the direct path reads both.
PUBLICCODE_QUOTED_DATE = PUBLICCODE.replace("releaseDate: 2024-05-01", 'releaseDate: "2024-05-01"')

pytestmark = [
    pytest.mark.skipif(not libyaml_events.AVAILABLE, reason="PyYAML was built without libyaml"),
    pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning"),  # `&x` twice, all ways alike
]

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: zaken, labels: {app: zaken}}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: zaken
          image: registry.example.nl/zaken@sha256:0123
          args: ["--port", "8000"]
          env: [{name: MODE, value: "on"}, {name: DEBUG, value: false}, {name: RATIO, value: 0.5}]
          ports: [{containerPort: 8000}]
          resources: {limits: {memory: 128Mi}, requests: ~}
""" + CONFIG_MAP


def typed(data: Any) -> Any:
    """``data`` with the type of every value spelled out: ``1 == True == 1.0`` must not hide a difference."""
    if isinstance(data, dict):
        return (type(data), [(typed(key), typed(value)) for key, value in data.items()])
    if isinstance(data, list):
        return (type(data), [typed(item) for item in data])
    if isinstance(data, datetime.date):  # 10:00+02:00 == 08:00Z: the time zone must agree too
        return (type(data), repr(data))
    return (type(data), data)


def outcome(read: Any, text: str) -> Any:
    try:
        return typed(read(text))
    except Exception as exc:  # the error's kind is what must agree
        return ("error", type(exc).__name__)


def direct(text: str) -> list[Any]:
    return list(Reader(text, max_depth=MAX_DEPTH).documents())


def through_nodes(text: str) -> list[Any]:
    """The node path alone, as ``Reader.documents`` read before the direct path."""
    reader = Reader(text, max_depth=MAX_DEPTH)
    return [None if node is None else reader.construct_document(node) for node in reader.nodes()]


def ruamel(allow_duplicate_keys: bool = False) -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = MAX_DEPTH
    yaml.allow_duplicate_keys = allow_duplicate_keys
    return yaml


def ruamel_alone(text: str) -> list[Any]:
    return [document for document in ruamel().load_all(text) if document is not None]


def only_direct(text: str) -> list[Any]:
    """The direct path without its fallback: raises ``Uncommon`` for what it leaves to nodes."""
    return list(Reader(text, max_depth=MAX_DEPTH)._direct_documents())


def read_all_ways(text: str) -> bool:
    """Asserts that the ways agree on ``text``; whether the direct path read it on its own."""
    assert outcome(direct, text) == outcome(through_nodes, text), text
    assert outcome(lambda t: documents_of(t, None), text) == outcome(ruamel_alone, text), text
    try:
        found = only_direct(text)
    except Exception:
        return False
    assert typed([document for document in found if document is not None]) == typed(ruamel_alone(text)), text
    return True


def test_generated_documents_read_alike_all_ways() -> None:
    rng = random.Random(20261203)
    taken = sum(read_all_ways(_document(rng)) for _ in range(600))
    assert taken > 100  # the direct path read many on its own: it is compared, not bypassed


# Documents of nested mappings and sequences, in block or flow style, mostly of common scalars.
COMMON = ["a", "b c", "1", "-1", "+7", "0", "0o17", "017", "0x1f", "1_000", "1.5", "-2.5e3", "1e3", ".5",
          ".inf", "-.Inf", ".NaN", "yes", "on", "true", "False", "TRUE", "~", "null", "Null", "", "'q''x'",
          '"e\\x41\\n"', "é", "http://x.y/z?q=1", "a b # c", "12:30:45", "0.1.2",
          "2020-01-01", "2024-05-01T10:00:00", "2024-05-01 10:00:00.5 +02:00", "2001-12-14t21:59:43.10-05:00",
          "2024-05-01T10:00:00Z", "2024-5-1", "'2024-05-01'"]
UNCOMMON = ["2024-13-45", "2020-02-30", "&x v", "*x", "!!str 5", "!!int '7'", "! x", "<<", "=", "!!binary aGk=",
            "!local x"]
KEYS = ["a", "b", "1", "true", "~", "'a'", '"b"', "0x1", "1.0", "<<", "=", "? c", "&x k", "*x", "2020-01-01",
        "2020-01-01 00:00:00Z"]
scalars = st.one_of(st.sampled_from(COMMON), st.sampled_from(COMMON), st.sampled_from(UNCOMMON))


def trees_of(scalars: st.SearchStrategy[str], keys: list[str]) -> st.SearchStrategy[Any]:
    """Nested sequences and mappings (each in block or flow style) of ``scalars`` under ``keys``."""
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.tuples(st.just("seq"), st.booleans(), st.lists(children, min_size=1, max_size=4)),
            st.tuples(st.just("map"), st.booleans(), st.lists(st.tuples(st.sampled_from(keys), children),
                                                              min_size=1, max_size=4)),
        ),
        max_leaves=14,
    )


trees = trees_of(scalars, KEYS)


def flow(tree: Any) -> str:
    if isinstance(tree, str):
        return tree
    kind, _, items = tree
    if kind == "seq":
        return "[" + ", ".join(flow(item) for item in items) + "]"
    return "{" + ", ".join(f"{key}: {flow(value)}" for key, value in items) + "}"


def block(tree: Any, depth: int) -> str:
    """What follows ``key:`` or ``-``: a scalar or flow collection on the line, a block one below."""
    if isinstance(tree, str) or tree[1]:
        return " " + flow(tree)
    kind, _, items = tree
    pad = "  " * depth
    if kind == "seq":
        return "".join(f"\n{pad}-{block(item, depth + 1)}" for item in items)
    return "".join(f"\n{pad}{key}:{block(value, depth + 1)}" for key, value in items)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(trees, min_size=1, max_size=3))
def test_generated_nested_documents_read_alike_all_ways(roots: list[Any]) -> None:
    read_all_ways("\n---\n".join(f"---{block(root, 0)}" for root in roots) + "\n")


@settings(max_examples=300, deadline=None, database=None)
@given(st.randoms(use_true_random=False))
def test_generated_rough_documents_read_alike_all_ways(rng: random.Random) -> None:
    read_all_ways(_document(rng))


@pytest.mark.parametrize(("text", "left_by"), [
    # anchors and aliases
    ("a: &x 1\nb: *x\n", Uncommon),
    ("base: &b {x: 1}\nother: *b\n", Uncommon),
    ("a: &x 1\n", Uncommon),
    ("- &s [1, 2]\n", Uncommon),
    ("a: *nowhere\n", Uncommon),
    # merge keys
    ("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", Uncommon),
    ("<<: {x: 1}\ny: 2\n", Uncommon),
    ("m: {<<: [{a: 1}, {b: 2}], c: 3}\n", Uncommon),
    ("<<: 5\n", Uncommon),
    # explicit tags, core or not
    ("a: !!str 5\n", Uncommon),
    ("a: !!int '7'\n", Uncommon),
    ("a: !!float '1'\nb: !!null ''\n", Uncommon),
    ("a: ! x\n", Uncommon),
    ("a: !!map {b: 1}\n", Uncommon),
    ("a: !!seq [1]\n", Uncommon),
    ("!!set {a, b}\n", Uncommon),
    ("a: !local x\n", Uncommon),
    ("a: !!binary aGk=\n", Uncommon),
    ("a: !!binary '%%'\n", Uncommon),
    ("a: !!timestamp x\n", Uncommon),
    ("a: !!omap [{b: 1}]\n", Uncommon),
    # resolved to a tag other than str, null, bool, int, float or timestamp, or not constructed
    ("=: x\n", Uncommon),
    ("v: =\n", Uncommon),
    ("- 2020-02-30\n", Uncommon),
    ("d: 2024-13-45\n", Uncommon),
    ("a: 1\n---\nd: [2024-05-01, 2024-02-30T10:00:00Z]\n", Uncommon),
    # repeated keys, also of equal values (1 == true, 0x1 == 1, ~ == null)
    ("a: 1\na: 2\n", Uncommon),
    ("{a: 1, a: 2}\n", Uncommon),
    ("1: a\ntrue: b\n", Uncommon),
    ("1: a\n0x1: b\n", Uncommon),
    ("~: a\nnull: b\n", Uncommon),
    ("a: {k: 1, k: 2}\n---\nb: 1\n", Uncommon),
    # keys that are not scalars
    ("[x]: 1\n", Uncommon),
    ("? {a: 1}\n: v\n", Uncommon),
    ("? [a, b]\n", Uncommon),
    ("{[a]: 1}\n", Uncommon),
    # deeper than max_depth
    ("[" * 70 + "]" * 70, Unsuitable),
    ("a:\n" + "".join("  " * i + "- b:\n" for i in range(1, 70)), Unsuitable),
    # what the fast path leaves to ruamel alone
    ("%YAML 1.1\n---\nenabled: yes\nmode: 0644\n", Unsuitable),
    ("a:\n\tb: 1\n", Unsuitable),
    ("x: &a 1\ny: *a:\n", Unsuitable),
    ("k: >#c\n  text\n", Unsuitable),
    ("- >\n \n  :x\n", Unsuitable),
    ("|\n# not a comment at the root\n", Unsuitable),
    ("- |-\n  x\n...\n", Unsuitable),
    ("\ufeffa: 1\n", Unsuitable),
    ("a: b\x85c\n", Unsuitable),
    ("a: 1\n---\n- >\n \n  :x\n", Unsuitable),
])
def test_uncommon_documents_read_as_ruamel_alone_reads_them(text: str, left_by: type[Exception]) -> None:
    with pytest.raises(left_by):
        only_direct(text)
    assert outcome(direct, text) == outcome(through_nodes, text)
    assert outcome(lambda t: documents_of(t, None), text) == outcome(ruamel_alone, text)
    assert outcome(read_document, text) == outcome(ruamel().load, text)


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: {k: 1, k: [2]}\nb: 1\nb: 2\n", "1: a\ntrue: b\n"])
def test_repeated_keys_keep_the_first_value_when_allowed(text: str) -> None:
    assert typed(read_document(text, allow_duplicate_keys=True)) == typed(ruamel(allow_duplicate_keys=True).load(text))
    assert outcome(read_document, text) == ("error", "DuplicateKeyError")


def test_nesting_just_within_max_depth_is_read_directly() -> None:
    text = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert only_direct(text) == ruamel_alone(text)
    with pytest.raises(Unsuitable):
        list(Reader("a: {b: [c]}\n", max_depth=3)._direct_documents())


def test_ordinary_documents_take_the_direct_path_without_nodes_or_constructor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = typed(ruamel().load(PUBLICCODE_QUOTED_DATE))
    expected_stream = typed(ruamel_alone(DEPLOYMENT))
    # Once every plain scalar's value is remembered, neither nodes nor ruamel's constructor are needed.
    read_document(PUBLICCODE_QUOTED_DATE)
    load_yaml_stream(DEPLOYMENT.encode(), "deploy/app.yaml")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the node path was taken")

    monkeypatch.setattr(Reader, "nodes", refused)
    monkeypatch.setattr(Reader, "construct_document", refused)
    assert typed(read_document(PUBLICCODE_QUOTED_DATE)) == expected
    assert typed(read_document(PUBLICCODE_QUOTED_DATE)["localisation"]["localisationReady"]) == (str, "yes")
    documents, findings = load_yaml_stream(DEPLOYMENT.encode(), "deploy/app.yaml")
    assert (typed(documents), findings) == (expected_stream, [])


def test_a_stream_leaves_only_its_uncommon_documents_to_the_node_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: 1\n---\nb: &x [2]\nc: *x\n---\n\n---\nd: !!str 5\n"
    constructed: list[Any] = []
    construct = Reader.construct_document

    def counted(self: Reader, node: Any) -> Any:
        constructed.append(node)
        return construct(self, node)

    monkeypatch.setattr(Reader, "construct_document", counted)
    documents = direct(text)
    roots = [node for node in constructed if isinstance(node, MappingNode)]
    assert [root.value[0][0].value for root in roots] == ["b", "d"]  # not the first document
    assert typed(documents) == typed(through_nodes(text))
    assert [document for document in documents if document is not None] == ruamel_alone(text)
    assert documents[1]["b"] is documents[1]["c"]  # an alias is the same list, as ruamel makes it


def test_documents_are_read_one_at_a_time_under_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[int] = []
    monkeypatch.setattr(yamldoc, "checkpoint", lambda: checked.append(1))
    text = "a: 1\n---\n---\nb: &x 2\nc: *x\n---\nd: [1]\n"
    assert documents_of(text, None) == ruamel_alone(text)
    assert len(checked) == 4  # once per document, empty ones too
    checked.clear()
    assert documents_of(text, 1) == [{"a": 1}] and len(checked) == 1
    # A later document's syntax error is not reached before the first document is returned.
    broken: Iterator[Any] = Reader("a: 1\n---\nb: [\n", max_depth=MAX_DEPTH).documents()
    assert next(broken) == {"a": 1}
    with pytest.raises(libyaml.YAMLError):
        next(broken)


def test_single_document_refuses_a_second_and_reads_the_empty_and_scalar_ones() -> None:
    for text in ("a: 1\n---\nb: 2\n", "a: &x 1\n---\nb: 2\n"):
        with pytest.raises(Unsuitable):
            Reader(text, max_depth=MAX_DEPTH).single_document()
    for text in ("", "# only a comment\n", "5\n", "--- ~\n", "'q'\n", "- 1\n"):
        assert typed(Reader(text, max_depth=MAX_DEPTH).single_document()) == typed(
            ruamel().load(text))


def test_data_types_are_ruamels() -> None:
    text = "m: {s: [1, 1.5, true, ~, x, '2', 0o17, .inf]}\n"
    data = only_direct(text)[0]
    assert typed(data) == typed(ruamel_alone(text)[0])
    assert type(data) is dict and type(data["m"]["s"]) is list
    assert [type(item) for item in data["m"]["s"]] == [int, float, bool, type(None), str, str, int, float]


def test_remembered_values_are_immutable_and_bounded() -> None:
    only_direct(PUBLICCODE_QUOTED_DATE + "long: " + "x" * 200 + "\nn: [1, 2.5, true, ~]\n")
    assert "x" * 200 not in libyaml_events._PLAIN_VALUES
    assert len(libyaml_events._PLAIN_VALUES) <= libyaml_events._REMEMBERED_SCALARS
    kinds = {type(value) for value in libyaml_events._PLAIN_VALUES.values()
             if value is not libyaml_events.UNCOMMON}
    assert kinds <= {str, int, float, bool, type(None), datetime.date, datetime.datetime}


@pytest.mark.parametrize("text", SCALARS)
def test_each_scalar_reads_alike_all_ways(text: str) -> None:
    read_all_ways(f"k: {text}\n")
    read_all_ways(f"- {text}\n")
    read_all_ways(f"{text}: v\n")


DATES = [
    ("2024-05-01", datetime.date),
    ("2024-02-29", datetime.date),
    ("2024-05-01T10:00:00", datetime.datetime),
    ("2024-05-01 10:00:00", datetime.datetime),
    ("2024-05-01t10:00:00.123456789", datetime.datetime),
    ("2024-05-01T23:59:59.9999999", datetime.datetime),
    ("2024-05-01T10:00:00Z", datetime.datetime),
    ("2024-05-01T10:00:00+02:00", datetime.datetime),
    ("2001-12-14t21:59:43.10-05:00", datetime.datetime),
    ("2001-12-14 21:59:43.10 -5", datetime.datetime),
    ("2024-5-1", str),
    ("2024-05-01x", str),
]


@pytest.mark.parametrize(("text", "kind"), DATES)
def test_dates_and_date_times_are_read_directly_as_ruamel_reads_them(text: str, kind: type) -> None:
    for document in (f"k: {text}\n", f"- {text}\n- [{text}, {text}]\n", f"{text}: v\n"):
        assert read_all_ways(document), document
    value = only_direct(f"k: {text}\n")[0]["k"]
    assert type(value) is kind
    assert typed(value) == typed(ruamel().load(f"k: {text}\n")["k"])
    assert typed(read_document(f"k: {text}\n")) == typed(ruamel().load(f"k: {text}\n"))


@pytest.mark.parametrize("text", ["2024-13-45", "2020-02-30", "2024-05-01T25:00:00", "2024-05-01T10:61:00Z",
                                  "2024-05-01T10:00:00+99:00", "0000-01-01"])
def test_invalid_dates_give_ruamels_error_or_data(text: str) -> None:
    for document in (f"k: {text}\n", f"a: 1\n---\n- {text}\n", f"{text}: v\n"):
        read_all_ways(document)
        assert outcome(read_document, document) == outcome(ruamel().load, document)
    with pytest.raises(Uncommon):
        only_direct(f"k: {text}\n")


def test_a_publiccode_with_an_unquoted_date_takes_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = typed(ruamel().load(PUBLICCODE))
    read_document(PUBLICCODE)  # every plain scalar's value remembered

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the node path was taken")

    monkeypatch.setattr(Reader, "nodes", refused)
    monkeypatch.setattr(Reader, "construct_document", refused)
    data = read_document(PUBLICCODE)
    assert typed(data) == expected
    assert type(data["releaseDate"]) is datetime.date


def test_date_times_are_constructed_per_text_and_remembered_only_as_immutable_values() -> None:
    text = "a: 2024-05-01T10:00:00+02:00\nb: 2024-05-01T10:00:00+02:00\nc: 2024-05-01T08:00:00Z\n"
    data = only_direct(text)[0]
    assert typed(data) == typed(ruamel().load(text))
    assert data["a"] == data["c"] and repr(data["a"]) != repr(data["c"])  # the same instant, not the same text
    assert only_direct(text)[0]["a"] is data["a"]  # remembered: immutable, so shared safely
    for value in libyaml_events._PLAIN_VALUES.values():
        if isinstance(value, datetime.date):
            assert type(value) in (datetime.date, datetime.datetime)  # not ruamel's TimeStamp


def nodes_and_data_agree(text: str) -> bool:
    """Asserts that the data ``compose_with_data`` builds from its nodes is what ``read_document``
    reads, and that it builds it wherever the direct path reads the document on its own; whether
    it built any."""
    try:
        root, data = yamldoc.compose_with_data(text)
    except Exception:
        return False  # no nodes, so no data: the readers of the data read the text themselves
    try:
        alone = only_direct(text)
    except Exception:
        alone = None
    if data is yamldoc.NOT_BUILT:
        assert root is None or alone is None, text  # the direct path would read it: so must this
        return False
    assert typed(data) == outcome(read_document, text), text
    return True


@settings(max_examples=400, deadline=None, database=None)
@given(trees)
def test_data_built_from_the_nodes_is_what_read_document_reads(root: Any) -> None:
    nodes_and_data_agree(f"---{block(root, 0)}\n")


def test_generated_documents_give_their_data_with_their_nodes() -> None:
    rng = random.Random(20261204)
    texts = [_document(rng) for _ in range(600)]
    built = sum(nodes_and_data_agree(text) for text in texts if text.count("---") <= 1)
    assert built > 50  # compared, not bypassed
    assert nodes_and_data_agree(PUBLICCODE) and nodes_and_data_agree(PUBLICCODE_QUOTED_DATE)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: &x 1\n", "base: &b {x: 1}\nm:\n  <<: *b\n", "<<: {x: 1}\ny: 2\n", "a: !!str 5\n",
    "a: ! x\n", "a: !!map {b: 1}\n", "=: x\n", "d: 2024-13-45\n", "a: 1\na: 2\n", "1: a\ntrue: b\n",
    "[x]: 1\n", "? {a: 1}\n: v\n", "a: !!binary aGk=\n",
])
def test_what_the_direct_path_leaves_is_not_built_from_the_nodes(text: str) -> None:
    root, data = yamldoc.compose_with_data(text)
    assert root is not None and data is yamldoc.NOT_BUILT
