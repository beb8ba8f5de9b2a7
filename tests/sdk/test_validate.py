"""``appstore validate``: standalone publiccode.yml and appstore.yaml files."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from sdk import hookimpl
from sdk.cli import main
from sdk.cli.validate import detect_kind, validate_files
from sdk.verification import create_plugin_manager
from tests.factories import manifest
from tests.plugins.publiccode_support import document


def invoke(*args: str):
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def test_valid_publiccode_exits_zero(tmp_path: Path):
    path = tmp_path / "publiccode.yml"
    path.write_text(document())
    result = invoke(str(path))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_json_shape_and_exit_status(tmp_path: Path):
    good, bad = tmp_path / "publiccode.yml", tmp_path / "publiccode-bad.yaml"
    good.write_text(document())
    bad.write_text(document(name=None, nl="\n  commonground: {layerType: data}"))
    result = invoke("--format", "json", str(good), str(bad))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [entry["path"] for entry in data] == [str(good), str(bad)]
    assert data[0]["findings"] == []
    finding = next(f for f in data[1]["findings"] if f["key"] == "name")
    assert set(finding) == {"severity", "key", "message", "code", "plugin", "kind", "data"}
    assert finding["severity"] == "error" and finding["code"] == "publiccode.required"
    assert finding["plugin"] == "publiccode"


def test_logo_resolves_next_to_the_file(tmp_path: Path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.svg").write_text("<svg/>")
    path = tmp_path / "publiccode.yml"
    path.write_text(document(logo=" img/logo.svg"))
    assert invoke(str(path)).exit_code == 0
    path.write_text(document(logo=" img/other.svg"))
    assert invoke(str(path)).exit_code == 1


def test_kind_is_detected_from_the_name():
    assert detect_kind(Path("publiccode.yml")) == "publiccode"
    assert detect_kind(Path("x/publiccode.example.yaml")) == "publiccode"
    assert detect_kind(Path("appstore.yaml")) == "appstore"
    assert detect_kind(Path("other.yml")) is None


def test_unknown_kind_and_missing_file_are_findings(tmp_path: Path):
    other = tmp_path / "metadata.yml"
    other.write_text("a: 1\n")
    result = invoke("--format", "json", str(other), str(tmp_path / "publiccode.yml"))
    assert result.exit_code == 1
    codes = [entry["findings"][0]["code"] for entry in json.loads(result.output)]
    assert codes == ["validate.unknown-kind", "validate.unreadable"]


def test_explicit_kind_wins(tmp_path: Path):
    path = tmp_path / "metadata.yml"
    path.write_text(document())
    assert invoke("--kind", "publiccode", str(path)).exit_code == 0


def test_appstore_kind_runs_the_manifest_hook(tmp_path: Path):
    path = tmp_path / "appstore.yaml"
    path.write_text(yaml.safe_dump(manifest()))
    assert invoke(str(path)).exit_code == 0
    path.write_text(yaml.safe_dump(manifest(id="Not A Slug")))
    result = invoke("--format", "json", str(path))
    assert result.exit_code == 1
    assert any(f["key"] == "id" for f in json.loads(result.output)[0]["findings"])
    path.write_text("- not\n- a mapping\n")
    assert invoke(str(path)).exit_code == 1


class Spy:
    """A plugin that records which hooks were called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @hookimpl
    def appstore_verify_publiccode(self, document, package, context):
        self.calls.append("publiccode")

    @hookimpl
    def appstore_verify_package(self, package, context):
        self.calls.append("package")

    @hookimpl
    def appstore_verify_manifest(self, manifest, context):
        self.calls.append("manifest")


def test_only_the_matching_hook_runs(tmp_path: Path):
    spy = Spy()
    pm = create_plugin_manager(installed=False, extra=[spy])
    publiccode = tmp_path / "publiccode.yml"
    publiccode.write_text(document())
    app = tmp_path / "appstore.yaml"
    app.write_text(yaml.safe_dump(manifest()))
    validate_files([str(publiccode), str(app)], pm=pm)
    assert spy.calls == ["publiccode", "manifest"]


def test_a_crashing_plugin_becomes_a_finding(tmp_path: Path):
    class Crash:
        @hookimpl
        def appstore_verify_publiccode(self, document, package, context):
            raise RuntimeError("boom")

    path = tmp_path / "publiccode.yml"
    path.write_text(document())
    [result] = validate_files([str(path)], pm=create_plugin_manager(installed=False, extra=[Crash()]))
    assert [f.code for f in result.findings] == ["plugin.crashed"]
