"""Making a YAML parser per document costs no search of the disk."""

from __future__ import annotations

import glob

import pytest
from ruamel.yaml import YAML

from sdk.yamldoc import load_yaml, safe_yaml


def test_a_parser_is_made_without_searching_for_plug_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = YAML(typ="safe", pure=True).plug_ins
    safe_yaml()  # the one search, at first use

    def no_search(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("searched the disk for plug-ins")

    monkeypatch.setattr(glob, "glob", no_search)
    assert safe_yaml().plug_ins == expected
    assert load_yaml(b"enabled: yes\nmode: 0o644\n", "x.yaml") == ({"enabled": "yes", "mode": 420}, [])
