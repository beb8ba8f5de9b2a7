"""A publish parses each document once, whoever reads it (checks, images, catalogue)."""

from __future__ import annotations

import io
import tarfile
from collections import Counter
from typing import Any

import pytest
import yaml
from flask import Flask

import sdk.publiccode
from sdk.package import PackageView
from tests import factories
from tests.conftest import add_organisation
from tests.registry.content_support import package_with_content


def test_a_reader_runs_once_per_view_and_path() -> None:
    calls: Counter[bytes] = Counter()

    def reader(raw: bytes) -> str:
        calls[raw] += 1
        return raw.decode().upper()

    view = PackageView({"a.yml": b"a", "b.yml": b"b"})
    assert view.parsed("a.yml", reader) == "A"
    assert view.parsed("./a.yml", reader) == "A"  # the same file
    assert view.parsed("b.yml", reader) == "B"
    assert view.parsed("missing.yml", reader) is None
    assert calls == {b"a": 1, b"b": 1}
    assert PackageView({"a.yml": b"c"}).parsed("a.yml", reader) == "C"  # never shared between views
    assert view.parsed("a.yml", bytes.decode) == "a"  # another reader reads for itself


def unpacked(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def test_publiccode_is_parsed_once_per_publish(sqlite_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layer taken from publiccode.yml, its images and the catalogue's fields all read it."""
    parsed: list[str] = []
    load_yaml = sdk.publiccode.load_yaml

    def counting(raw: bytes, path: str, **options: Any) -> Any:
        parsed.append(path)
        return load_yaml(raw, path, **options)

    monkeypatch.setattr(sdk.publiccode, "load_yaml", counting)
    token = add_organisation(sqlite_app, "dimpact")
    archive = package_with_content(factories.manifest(layer=None))
    files = unpacked(archive)
    publiccode = yaml.safe_load(files["publiccode.yml"])
    publiccode["nl"] = {"countryExtensionVersion": "1.0", "commonground": {"layerType": "process"}}
    files["publiccode.yml"] = yaml.safe_dump(publiccode).encode()  # the layer comes from its nl section
    archive = factories.tar_gz(files)
    response = sqlite_app.test_client().post(
        "/api/v1/releases", data={"package": (io.BytesIO(archive), "app.tar.gz")},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    assert parsed == ["publiccode.yml"]
