"""Kubernetes YAML 1.1 built straight from libyaml's events reads as PyYAML's ``_KubeLoader``.

``plugins.kubernetes_objects`` reads deploy/ files as kubectl does (YAML 1.1,
timestamps kept as text). Its direct read builds the data from libyaml's events
and leaves anything uncommon, and every error, to
``yaml.load_all(text, Loader=_KubeLoader)``: data, the types of the data, and
errors must be the same either way, and so must the budget's checkpoints.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins import kubernetes_objects
from plugins.kubernetes_objects import _DIRECT_DEPTH, _KubeLoader, _scalar, _yaml_documents
from sdk.libyaml_events import Uncommon, build_documents
from tests.sdk.test_yaml_data_path import block, trees_of, typed
from tests.sdk.test_yaml_fast_path import CONFIG_MAP, _document

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: zaken
  labels: {app: zaken, tier: "2"}
  annotations:
    deployed: 2024-05-01T10:00:00Z
spec:
  replicas: 2
  selector:
    matchLabels: {app: zaken}
  template:
    metadata:
      labels: {app: zaken}
    spec:
      securityContext:
        runAsNonRoot: yes
        seccompProfile: {type: RuntimeDefault}
      volumes:
        - name: config
          configMap: {name: zaken, defaultMode: 0644}
      containers:
        - name: zaken
          image: registry.example/zaken@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
          args: ["--port", "8000", --debug=off]
          env: [{name: MODE, value: "on"}, {name: RATIO, value: .5}, {name: EMPTY, value: ~}]
          ports: [{containerPort: 8000}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
          readinessProbe: {httpGet: {path: /health, port: 8000}}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
""" + CONFIG_MAP


def old(text: str) -> list[Any]:
    """How the deploy/ files were read before the direct read."""
    return list(yaml.load_all(text, Loader=_KubeLoader))


def only_direct(text: str) -> list[Any]:
    """The direct read without its fallback: ``Uncommon`` (or an error) for what it leaves to PyYAML."""
    return list(build_documents(yaml.parse(text, Loader=_KubeLoader), _scalar, max_depth=_DIRECT_DEPTH,
                                last_key_wins=True))


def outcome(read: Any, text: str) -> Any:
    try:
        return typed(read(text))
    except Exception as exc:  # the error's kind and words are what must agree
        return ("error", type(exc).__name__, str(exc))


def read_alike(text: str) -> bool:
    """Asserts that the direct read (with its fallback) reads ``text`` as PyYAML; whether it
    read it on its own."""
    expected = outcome(old, text)
    assert outcome(lambda t: list(_yaml_documents(t)), text) == expected, text
    try:
        found = only_direct(text)
    except Exception:
        return False
    assert typed(found) == expected, text
    return True


@pytest.mark.parametrize(("text", "expected"), [
    # YAML 1.1 as kubectl reads it
    ("a: yes\nb: No\nc: on\nd: OFF\ne: y\n", {"a": True, "b": False, "c": True, "d": False, "e": "y"}),
    ("m: 0644\nn: 0o17\no: 1_000\np: 0x1F\nq: 0b101\nr: 1:20\ns: -0\n",
     {"m": 420, "n": "0o17", "o": 1000, "p": 31, "q": 5, "r": 80, "s": 0}),
    ("a: .5\nb: 1.5e+3\nc: -.inf\nd: 1_0.5\ne: 1e3\nf: 6.8523015e+5\n",
     {"a": 0.5, "b": 1500.0, "c": float("-inf"), "d": 10.5, "e": "1e3", "f": 685230.15}),
    ("a: ~\nb: null\nc:\nd: Null\ne: NULL\n", {"a": None, "b": None, "c": None, "d": None, "e": None}),
    ("d: 2024-05-01\nt: 2001-12-14t21:59:43.10-05:00\nu: 2024-05-01 10:00:00\n",
     {"d": "2024-05-01", "t": "2001-12-14t21:59:43.10-05:00", "u": "2024-05-01 10:00:00"}),
    ("=: x\nv: =\n", {"=": "x", "v": "="}),
    ("q: '0644'\nr: \"yes\"\ns: |\n  on\nt: >-\n  1_000\n", {"q": "0644", "r": "yes", "s": "on\n", "t": "1_000"}),
    ("{a: [1, {b: true}], 'c': \"d\"}\n", {"a": [1, {"b": True}], "c": "d"}),
    # repeated keys: the last value counts, under the first key, as in PyYAML
    ("a: 1\na: 2\n", {"a": 2}),
    ("1: a\ntrue: b\n1.0: c\n0x1: d\n", {1: "d"}),
    ("~: a\nnull: b\n", {None: "b"}),
    ("{a: [1], b: 0, a: {c: 2}}\n", {"a": {"c": 2}, "b": 0}),
    ("a: {k: 1, k: 2}\nb: [x]\nb: [y]\n", {"a": {"k": 2}, "b": ["y"]}),
])
def test_yaml_1_1_is_read_directly_as_kubectl_reads_it(text: str, expected: Any) -> None:
    assert read_alike(text)
    assert typed(only_direct(text)) == typed([expected])


def test_not_a_number_keys_are_pyyamls_one_object() -> None:
    text = ".nan: a\n.NaN: b\nx: [.NAN]\n"
    assert read_alike(text)
    (found,) = only_direct(text)
    assert len(found) == 2 and next(iter(found)) is found["x"][0]


@pytest.mark.parametrize("text", [
    # anchors and aliases
    "a: &x 1\nb: *x\n",
    "base: &b {x: 1}\nother: *b\n",
    "a: &x 1\n",
    "- &s [1, 2]\n",
    "a: *nowhere\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
    "a: &x [*x]\n",
    # merge keys, also as a value
    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
    "<<: {x: 1}\ny: 2\n",
    "m: {<<: [{a: 1}, {b: 2}], c: 3}\n",
    "<<: 5\n",
    "a: <<\n",
    # explicit tags, core or not
    "a: !!str 5\n",
    "a: !!int '7'\n",
    "a: !!float '1'\nb: !!null ''\n",
    "a: ! x\n",
    "a: !!map {b: 1}\n",
    "a: !!seq [1]\n",
    "!!set {a, b}\n",
    "a: !local x\n",
    "a: !!binary aGk=\n",
    "a: !!timestamp 2024-05-01\n",
    "a: !!timestamp x\n",
    "a: !!omap [{b: 1}]\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    # keys that are collections
    "[x]: 1\n",
    "? {a: 1}\n: v\n",
    "? [a, b]\n",
    "{[a]: 1}\n",
    # scalars PyYAML cannot construct
    "a: 0b_\n",
    "a: 0x_\n",
    "a: -0b_\n",
    "a: [+0x_]\n",
    # deeper than the direct read goes
    "[" * (_DIRECT_DEPTH + 1) + "]" * (_DIRECT_DEPTH + 1),
    "a:\n" + "".join("  " * i + "- b:\n" for i in range(1, _DIRECT_DEPTH + 2)),
    # syntax errors, also after a document read directly
    "a: [\n",
    "a: 1\n---\nb: {\n",
    "a: 1\n b: 2\n",
    "a: \"\\q\"\n",
    "%YAML 2.0\n---\na: 1\n",
    "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
])
def test_uncommon_documents_are_left_to_pyyaml(text: str) -> None:
    with pytest.raises((Uncommon, yaml.YAMLError)):
        only_direct(text)
    assert outcome(lambda t: list(_yaml_documents(t)), text) == outcome(old, text)


@pytest.mark.parametrize("text", [
    "", "# only a comment\n", "---\n", "--- ~\n", "5\n", "- yes\n", "'q'\n", "a: 1\n...\n---\nb: 2\n...\n",
    "%YAML 1.1\n---\nenabled: yes\nmode: 0644\n", "a: b\tc\n", "\ufeffa: 1\n", "a: b\x85c\n", "k: >#c\n  text\n",
    "- >\n \n  :x\n", "|\n# not a comment at the root\n", "x: &a 1\ny: *a:\n", "*a: 1\n",
    "a: 'x''y'\nb: \"\\x41\\u00e9\"\nc: é\n",
])
def test_edge_texts_read_alike(text: str) -> None:
    read_alike(text)


def test_a_deployment_takes_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = typed(old(DEPLOYMENT))
    assert typed(only_direct(DEPLOYMENT)) == expected

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("PyYAML's loader was used")

    monkeypatch.setattr(yaml, "load_all", refused)
    documents = kubernetes_objects._documents(DEPLOYMENT, False, 100)
    assert typed(documents) == expected
    assert documents[0]["spec"]["template"]["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420
    assert documents[0]["metadata"]["annotations"]["deployed"] == "2024-05-01T10:00:00Z"


def old_documents(text: str, room: int, checked: list[int]) -> list[Any]:
    """``_documents`` as it was: ``yaml.load_all``, a checkpoint per document, at most ``room``."""
    documents = []
    for document in yaml.load_all(text, Loader=_KubeLoader):
        checked.append(1)
        if document is not None:
            documents.append(document)
            if len(documents) >= room:
                break
    return documents


@pytest.mark.parametrize("text", [
    "a: 1\n---\n---\nb: 2\n---\nc: [3]\n",
    "a: 1\n---\n---\nb: &x 2\nc: *x\n---\nd: [1]\n",  # the direct read gives up at the third
    "a: 1\n---\nb: 2\n---\nc: {\n",  # a syntax error past the room is not reached
    "a: 1\n---\nb: &x 2\n---\nc: {\n",
    "a: 1\n---\n- [\n",
    "---\n---\n---\n",
])
@pytest.mark.parametrize("room", [1, 2, 3, 100])
def test_checkpoints_and_room_are_as_before(monkeypatch: pytest.MonkeyPatch, text: str, room: int) -> None:
    before: list[int] = []
    expected = outcome(lambda t: old_documents(t, room, before), text)
    now: list[int] = []
    monkeypatch.setattr(kubernetes_objects, "checkpoint", lambda: now.append(1))
    assert outcome(lambda t: kubernetes_objects._documents(t, False, room), text) == expected
    assert len(now) == len(before)


# Generated documents: nested mappings and sequences of YAML 1.1 scalars, common and not.
COMMON = ["a", "b c", "1", "-1", "+7", "0", "0644", "0o17", "0x1F", "0b11", "1_000", "1:20", "1.5", "-2.5e3",
          "1e3", "1.0e+3", ".5", ".inf", "-.Inf", ".NaN", "yes", "No", "on", "OFF", "y", "true", "False", "~",
          "null", "", "=", "'q''x'", '"e\\x41\\n"', "é", "http://x.y/z?q=1", "a b # c", "0.1.2",
          "2020-01-01", "2001-12-14t21:59:43.10-05:00", "2024-13-45", "'0644'", '"yes"', "--port=8000"]
UNCOMMON = ["&x v", "*x", "!!str 5", "!!int '7'", "! x", "<<", "!!binary aGk=", "!local x", "0b_",
            "!!timestamp 2020-01-01"]
KEYS = ["a", "b", "1", "true", "yes", "on", "~", "null", "'a'", '"b"', "0x1", "1.0", "<<", "=", "? c", "&x k",
        "*x", "2020-01-01", ".nan"]
scalars = st.one_of(st.sampled_from(COMMON), st.sampled_from(COMMON), st.sampled_from(UNCOMMON),
                    st.text(alphabet="0123456789._:-+eExXbBoOnNaAfFyY~", min_size=1, max_size=8))
trees = trees_of(scalars, KEYS)


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(trees, min_size=1, max_size=3))
def test_generated_documents_read_alike(roots: list[Any]) -> None:
    read_alike("\n---\n".join(f"---{block(root, 0)}" for root in roots) + "\n")


def test_generated_rough_documents_read_alike() -> None:
    rng = random.Random(20261202)
    taken = sum(read_alike(_document(rng)) for _ in range(600))
    assert taken > 100  # the direct read read many on its own: it is compared, not bypassed
