"""The verification runner: crashes, attribution, overriding, discovery, no server imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy
import pytest

from sdk import hookimpl
from sdk.findings import Finding, Severity
from sdk.hookspecs import Decision, VerificationContext
from sdk.manifest import load_manifest
from sdk.package import PackageView
from sdk.verification import BUILTIN_PLUGINS, create_plugin_manager, describe_plugins, verify_package
from tests import factories

OFFLINE = VerificationContext()


def package(**manifest: Any) -> PackageView:
    files = factories.package_files(factories.manifest(**manifest))
    return PackageView(files=files, manifest=load_manifest(files)[0])


class CrashingCheck:
    @hookimpl(tryfirst=True)  # first in line, so the crash happens before any other check
    def appstore_verify_manifest(self, manifest: Mapping[str, Any], context: VerificationContext) -> None:
        raise KeyError("boom")


class NotingCheck:
    @hookimpl
    def appstore_verify_manifest(self, manifest: Mapping[str, Any], context: VerificationContext) -> list[Finding]:
        return [Finding.warning("test.noted", "Noted.", "id"),
                Finding("test.attributed", Severity.INFO, "Keeps its name.", "", "someone")]


class LenientPolicy:
    @hookimpl
    def appstore_decide(self, findings: Sequence[Finding], context: VerificationContext) -> Decision:
        return Decision(accepted=True, findings=tuple(findings))


class AbstainingPolicy:
    @hookimpl
    def appstore_decide(self, findings: Sequence[Finding], context: VerificationContext) -> None:
        return None


class MisspeltHook:
    @hookimpl
    def appstore_verify_manifests(self, manifest: Mapping[str, Any], context: VerificationContext) -> None:
        """One letter too many: no such hook."""


def by_code(decision: Decision) -> dict[str, Finding]:
    return {f.code: f for f in decision.findings}


def test_crashing_plugin_becomes_an_error_finding_and_the_others_still_run() -> None:
    pm = create_plugin_manager(installed=False)
    pm.register(CrashingCheck(), name="crasher")
    pm.register(NotingCheck(), name="noter")

    decision = verify_package(pm, package(layer="presentation"), OFFLINE)

    found = by_code(decision)
    crash = found["plugin.crashed"]
    assert crash.is_error and crash.plugin == "crasher"
    assert "KeyError" in crash.message
    assert found["test.noted"].plugin == "noter"
    assert found["manifest.invalid-layer"].plugin == "manifest-schema"  # a built-in after the crash
    assert not decision.accepted


def test_plugin_name_is_stamped_on_findings_that_carry_none() -> None:
    pm = create_plugin_manager(installed=False)
    pm.register(NotingCheck(), name="noter")

    found = by_code(verify_package(pm, package(), OFFLINE))

    assert found["test.noted"].plugin == "noter"
    assert found["test.attributed"].plugin == "someone"
    assert all(f.plugin for f in found.values())


def test_registered_decision_plugin_overrides_the_built_in_decision() -> None:
    pm = create_plugin_manager(installed=False)
    assert not verify_package(pm, package(layer="presentation"), OFFLINE).accepted

    pm.register(LenientPolicy(), name="lenient")
    decision = verify_package(pm, package(layer="presentation"), OFFLINE)

    assert decision.accepted
    assert "manifest.invalid-layer" in by_code(decision)


def test_decision_plugin_that_abstains_leaves_the_built_in_decision() -> None:
    pm = create_plugin_manager(installed=False, extra=[AbstainingPolicy()])
    assert not verify_package(pm, package(layer="presentation"), OFFLINE).accepted
    assert verify_package(pm, package(), OFFLINE).accepted


def test_misspelt_hook_name_fails_when_the_manager_is_created() -> None:
    with pytest.raises(pluggy.PluginValidationError, match="appstore_verify_manifests"):
        create_plugin_manager(installed=False, extra=[MisspeltHook()])


def test_each_manager_is_independent() -> None:
    first = create_plugin_manager(installed=False, extra=[LenientPolicy()])
    second = create_plugin_manager(installed=False)
    assert len(first.get_plugins()) == len(second.get_plugins()) + 1


INSTALLED_PLUGIN = '''\
"""A plugin installed from a distribution, as a third party would ship it."""

from sdk import hookimpl
from sdk.findings import Finding


@hookimpl
def appstore_verify_manifest(manifest, context):
    return [Finding.info("installed.seen", "The installed plugin ran.", "id")]
'''


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real distribution on sys.path with an entry point in the plugin group."""
    module = f"appstore_installed_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text(INSTALLED_PLUGIN)
    dist_info = tmp_path / "appstore_zaak_checks-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: appstore-zaak-checks\nVersion: 1.2.3\n")
    (dist_info / "entry_points.txt").write_text(f"[gemeente_appstore.plugins]\nzaak-checks = {module}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module
    sys.modules.pop(module, None)


def test_installed_plugin_is_discovered_through_its_entry_point(installed_plugin: str) -> None:
    pm = create_plugin_manager()

    rows = {row["name"]: row for row in describe_plugins(pm)}
    assert rows["zaak-checks"] == {
        "name": "zaak-checks",
        "module": installed_plugin,
        "builtin": False,
        "distribution": "appstore-zaak-checks 1.2.3",
        "hooks": ["appstore_verify_manifest"],
    }
    assert rows["manifest-schema"]["builtin"] and rows["manifest-schema"]["distribution"] is None
    assert by_code(verify_package(pm, package(), OFFLINE))["installed.seen"].plugin == "zaak-checks"


def test_installed_plugins_can_be_left_out(installed_plugin: str) -> None:
    names = {row["name"] for row in describe_plugins(create_plugin_manager(installed=False))}
    assert "zaak-checks" not in names


SERVER_MODULES = ("flask", "sqlalchemy", "werkzeug", "registry")


def test_hook_modules_and_built_in_plugins_import_without_the_server(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import importlib, sys
        for name in {SERVER_MODULES!r}:
            sys.modules[name] = None  # any import of it now fails
        for name in ("sdk.hookspecs", "sdk.findings", "sdk.package", "sdk.verification", *{BUILTIN_PLUGINS!r}):
            importlib.import_module(name)
        from sdk.verification import create_plugin_manager
        create_plugin_manager(installed=False)
        print("imported")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"


def test_a_verified_packages_publiccode_is_parsed_once_for_its_checks_and_its_readers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The publiccode check reads the file's nodes (for their lines); the catalogue, the release's
    images and the layer check read its data: one parse serves them all, with the same data."""
    import yaml as libyaml

    from sdk import libyaml_events
    from sdk.publiccode import load_publiccode, publiccode_of

    view = package()
    text = view.read(view.publiccode_path()).decode()  # type: ignore[union-attr]
    parses: list[str] = []
    parse = libyaml.parse

    def counted(stream: Any, Loader: Any = None) -> Any:  # noqa: N803  (PyYAML's name)
        parses.append(stream)
        return parse(stream, Loader=Loader)

    monkeypatch.setattr(libyaml_events.libyaml, "parse", counted)
    decision = verify_package(create_plugin_manager(installed=False), view, OFFLINE)
    data = publiccode_of(view)
    assert decision.accepted
    assert parses.count(text) == (1 if libyaml_events.AVAILABLE else 0)
    assert data == load_publiccode(view.read(view.publiccode_path()) or b"")[0]
    assert data is publiccode_of(view)  # kept with the view
