"""The manifest is read past a repeated key, so that a manifest with several
mistakes shows them all at once, and not only the YAML parser's first."""

from __future__ import annotations

from sdk.manifest import load_manifest
from sdk.yamldoc import duplicate_keys, load_yaml

FIVE_MISTAKES = b"""manifestVersion: 1
id: Stads Pas
version: 1.4
name: Stadspas
summary: Stadspas voor minima
publisher: samen-digitaal
license: Not-A-Licence-1.0
layer: presentation
layer: process
"""


def test_a_repeated_key_is_an_error_and_the_rest_is_still_read() -> None:
    manifest, findings = load_manifest({"appstore.yaml": FIVE_MISTAKES})
    assert manifest is not None and manifest["layer"] == "presentation"  # the first value counts
    assert [(f.code, f.data["name"], f.data["line"]) for f in findings] == [("yaml.duplicate-key", "layer", 9)]
    assert findings[0].plugin == "manifest" and findings[0].is_error


def test_other_readers_still_refuse_a_repeated_key() -> None:
    document, findings = load_yaml(b"a: 1\na: 2\n", "profile.yaml")
    assert document is None and [f.code for f in findings] == ["yaml.syntax"]


def test_every_repeated_key_is_named_once_even_behind_aliases() -> None:
    text = "base: &b {x: 1, x: 2}\nuse: [*b, *b, *b]\nother: {y: 1, z: 2, y: 3}\n"
    assert [(f.data["name"], f.data["line"]) for f in duplicate_keys(text, "a.yaml")] == [("x", 1), ("y", 3)]
