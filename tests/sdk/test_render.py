"""Rendering ${name} placeholders with config values."""

from __future__ import annotations

from sdk.hookspecs import VerificationContext
from sdk.render import render_findings, render_text, sample_values
from sdk.verification import create_plugin_manager, verify_package
from tests import factories
from tests.plugins.kubernetes_support import compatibility, package


def test_samples_prefer_default_over_example() -> None:
    manifest = {"config": [{"name": "replicas", "default": 2, "example": "5"},
                           {"name": "hostname", "required": True, "example": "zaken.example"},
                           {"name": "secret", "required": True}]}
    assert sample_values(manifest) == {"replicas": "2", "hostname": "zaken.example", "secret": None}


def test_fills_values_and_keeps_escaped_placeholders() -> None:
    text = 'replicas: ${replicas}\nscript: echo $${HOME}\nhost: "${hostname}"\n'
    rendered = render_text(text, {"replicas": "2", "hostname": "zaken.example"})
    assert rendered.text == 'replicas: 2\nscript: echo ${HOME}\nhost: "zaken.example"\n'
    assert rendered.complete


def test_undeclared_placeholder_is_an_error_naming_file_line_and_name() -> None:
    rendered = render_text("a: 1\nhost: ${hostnaam}\n", {"hostname": "x"})
    assert rendered.text == "a: 1\nhost: ${hostnaam}\n"
    (finding,) = render_findings("deploy/app.yaml", rendered)
    assert finding.code == "render.undeclared" and finding.is_error
    assert finding.key == "deploy/app.yaml"
    assert finding.message.startswith("deploy/app.yaml line 2: ${hostnaam} is not a config value")


def test_invalid_and_unfilled_placeholders() -> None:
    rendered = render_text("a: ${my-host}\nb: ${secret}\n", {"secret": None})
    assert [f.code for f in render_findings("deploy/x.yaml", rendered)] == [
        "render.invalid-placeholder", "render.no-sample"]


def test_package_with_undeclared_placeholder_is_rejected() -> None:
    deployment = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64).replace(
        "replicas: 2", "replicas: ${aantal}")
    view = package(app=deployment)
    decision = verify_package(create_plugin_manager(installed=False), view, VerificationContext())
    assert not decision.accepted
    assert [(f.code, f.key) for f in decision.findings if f.is_error] == [
        ("render.undeclared", "deploy/app.yaml")]


def test_value_that_breaks_yaml_once_rendered_is_reported() -> None:
    manifest = factories.manifest(config=[{"name": "title", "default": "a: b"}])
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  title: ${title}\n"
    decision = verify_package(create_plugin_manager(installed=False), package(manifest, app=configmap),
                              VerificationContext())
    assert "render.invalid-yaml" in {f.code for f in decision.findings}
    assert compatibility(package(manifest, app=configmap)).compatible  # nothing to check, no crash
