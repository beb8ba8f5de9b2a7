"""YAML through libyaml's events reads exactly as ruamel alone reads it.

The fast path (``sdk.libyaml_events``) must never change what a document says,
which finding it draws, or how deep nesting is refused. Each place where the two
scanners are known to disagree is read here both ways; a seeded generator of
YAML-like documents (valid and slightly broken) compares everything else.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from ruamel.yaml import YAML

from sdk import libyaml_events
from sdk.yamldoc import MAX_DEPTH, compose_document, load_yaml, load_yaml_stream, read_document
from sdk.yamldoc import _documents as documents_of

pytestmark = pytest.mark.skipif(not libyaml_events.AVAILABLE, reason="PyYAML was built without libyaml")

PUBLICCODE = """\
publiccodeYmlVersion: "0.4"
name: Zaakregistratie
url: https://github.com/gemeente/zaken
releaseDate: 2024-05-01
softwareVersion: 1.2.0
platforms: [web]
categories: [document-management]
developmentStatus: stable
softwareType: standalone/web
description:
  nl:
    shortDescription: Zaken registreren
    longDescription: >
      Een lange beschrijving
      over meerdere regels.
    features: [zaken, documenten]
legal: {license: EUPL-1.2}
maintenance: {type: internal, contacts: [{name: Team Zaken}]}
localisation: {localisationReady: yes, availableLanguages: [nl]}
"""
#: A ConfigMap document that ends the sample streams of these tests.
CONFIG_MAP = """\
---
apiVersion: v1
kind: ConfigMap
metadata: {name: zaken}
data:
  settings.ini: |
    [server]
    port = 8000
"""
DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: zaken, labels: &labels {app: zaken}}
spec:
  replicas: 2
  template:
    metadata: {labels: *labels}
    spec:
      containers:
        - name: zaken
          image: registry.example.nl/zaken@sha256:0123
          args: ["--port", "8000"]
          env: [{name: MODE, value: "on"}]
""" + CONFIG_MAP


def ruamel_alone(text: str, every: bool = False) -> Any:
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = MAX_DEPTH
    return list(yaml.load_all(text)) if every else yaml.load(text)


def outcome(read: Any, text: str) -> Any:
    try:
        return read(text)
    except Exception as exc:  # the error's kind is what must agree
        return ("error", type(exc).__name__)


def test_typical_documents_take_the_fast_path_and_read_alike() -> None:
    reader = libyaml_events.Reader(PUBLICCODE, max_depth=MAX_DEPTH)
    assert reader.single_document() == ruamel_alone(PUBLICCODE)
    assert read_document(PUBLICCODE)["localisation"]["localisationReady"] == "yes"  # YAML 1.2: text
    assert read_document(PUBLICCODE)["releaseDate"] == ruamel_alone(PUBLICCODE)["releaseDate"]
    assert load_yaml_stream(DEPLOY.encode(), "deploy/app.yaml") == (ruamel_alone(DEPLOY, every=True), [])
    node = compose_document(PUBLICCODE)
    assert node is not None and node.value[0][0].start_mark.line == 0
    assert [key.start_mark.line for key, _ in node.value][-1] == PUBLICCODE.count("\n") - 1


@pytest.mark.parametrize("text", [
    "%YAML 1.1\n---\nenabled: yes\nmode: 0644\n",      # ruamel reads 1.1 when the text says so
    "a:\n\tb: 1\n",                                     # tabs: ruamel is stricter
    "x: &a 1\ny: *a:\n",                                # `*a:` is the alias `a:` in YAML 1.2
    "k: >#c\n  text\n",                                 # a comment glued to the indicator
    "- >\n \n  :x\n",                                   # a leading line of spaces
    "|\n# not a comment at the root\n",                 # unindented block content
    "- |-\n  x\n...\n...\n",                            # document end markers
    'a: "\\ud800"\n',                                   # a lone surrogate: a finding, not a syntax error
    "a: b\x85c\n",                                      # NEL
    "a: !!!float 1\nb: !local x\n",                     # tags outside the core schema
    "a: 1\na: 2\n",                                     # duplicate keys
    "[" * 70 + "]" * 70,                                # deeper than MAX_DEPTH
])
def test_where_the_scanners_disagree_ruamel_decides(text: str) -> None:
    assert outcome(read_document, text) == outcome(ruamel_alone, text)


def test_known_disagreements_are_sent_to_ruamel() -> None:
    for text in ("a:\n\tb: 1\n", "%YAML 1.1\n---\na: yes\n", "x: *a:\n", "- |-\n  x\n...\n"):
        with pytest.raises(libyaml_events.Unsuitable):
            libyaml_events.Reader(text, max_depth=MAX_DEPTH).single_document()


def test_hostile_nesting_is_refused_as_too_deep_without_crashing() -> None:
    for text in ("[" * 1_000_000, "{a: " * 200_000, "".join(" " * i + "-\n" for i in range(1400))):
        document, findings = load_yaml(text.encode(), "deep.yaml")
        assert document is None
        assert [f.code for f in findings] == ["yaml.too-deep"]


SCALARS = ["a", "b c", "1", "-1", "0o17", "017", "0x1f", "0b101", "1_000", "1.5", "1e3", "-.inf", ".NaN",
           "yes", "No", "on", "~", "null", "True", "2020-01-01", "2001-12-14t21:59:43.10-05:00", "12:30:45",
           "'q''x'", '"e\\x41\\u00e9\\n\\/\\ "', "<<", "=", "!!str 5", "!!int '7'", "!!binary aGk=",
           "&x v", "*x", "http://x.y/z?q=1#f", "a #c", "a# b", "-x", "?x", ":x", "x:y", "[a, b]",
           "{a: 1, b}", "[a: 1]", "!!set {a, b}", "''", '""', "é", "%x", "@x"]


def _value(rng: random.Random, depth: int) -> str:
    if depth > 3 or rng.random() < 0.5:
        text = rng.choice(SCALARS)
        if rng.random() < 0.1:
            lines = (" " * (2 * depth + 2 + rng.choice((0, 0, 1))) + rng.choice(SCALARS)
                     for _ in range(rng.randint(0, 3)))
            text = rng.choice(["|", "|-", ">", ">+", "|2"]) + "\n" + "\n".join(lines)
        return text
    indent = "  " * (depth + 1)
    if rng.random() < 0.7:
        keys = ["k", "a b", "'q'", '"d"', "1", "~", "<<", "? c", "&k k", "*k", "[x]"]
        entries = [f"{indent}{rng.choice(keys)}: {_value(rng, depth + 1)}" for _ in range(rng.randint(1, 3))]
    else:
        entries = [f"{indent}- {_value(rng, depth + 1).lstrip()}" for _ in range(rng.randint(1, 3))]
    return "\n" + "\n".join(entries)


def _document(rng: random.Random) -> str:
    text = f"k: {_value(rng, 0)}\nk{rng.randint(1, 3)}: {_value(rng, 0)}"
    if rng.random() < 0.2:
        text = "---\n" + text + "\n---\n" + f"z: {_value(rng, 0)}"
    if rng.random() < 0.3:  # break it a little
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(" \n:-#'\"[{}],!&*|>") + text[at:]
    return text


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")  # `&k` twice, both ways alike
def test_generated_documents_read_alike_both_ways() -> None:
    rng = random.Random(20261202)
    fast = 0
    for _ in range(600):
        text = _document(rng)
        assert outcome(lambda t: documents_of(t, None), text) == outcome(
            lambda t: [d for d in ruamel_alone(t, every=True) if d is not None], text), text
        try:
            list(libyaml_events.Reader(text, max_depth=MAX_DEPTH).documents())
            fast += 1
        except Exception:
            pass
    assert fast > 100  # many went the fast way: the comparison is not ruamel against itself
