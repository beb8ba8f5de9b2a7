"""Packages that carry a Helm chart: rendered objects verified like deploy/ files,
findings keyed by template, chart shape, and real-repository habits."""

from __future__ import annotations

import sys

import pytest

from plugins.kubernetes_objects import deploy_of
from sdk.helm.isolated import IsolatedRenderer
from sdk.helm.package_chart import render_for_verification
from sdk.hookspecs import VerificationContext
from sdk.messages import describe
from sdk.package import PackageView
from sdk.verification import create_plugin_manager, verify_package
from tests import factories, helm_charts
from tests.plugins.kubernetes_support import by_code, codes, compatibility

pytest.importorskip("helm_python", reason="helm-python-sdk is not installed (pip install '.[helm]')")

HOST_CONFIG = {"name": "hostname", "example": "zaken.gemeente.example", "helmValue": "ingress.hosts[0].host"}
INGRESS_ON = {"name": "ingress", "default": "true", "helmValue": "ingress.enabled"}


def chart_package(chart: dict[str, bytes] | None = None, *, deploy: bool = False,
                  **manifest: object) -> PackageView:
    data = factories.manifest(**manifest)
    files = factories.package_files(data)
    if not deploy:
        del files["deploy/deployment.yaml"]
    files.update(helm_charts.in_package(chart if chart is not None else helm_charts.chart()))
    return PackageView(files=files, manifest=data)


def package_findings(view: PackageView):
    decision = verify_package(create_plugin_manager(installed=False), view, VerificationContext())
    return decision.findings


def test_a_secure_chart_passes_and_its_objects_are_verified():
    view = chart_package()
    assert [(o.path, o.kind) for o in deploy_of(view).objects] == [("chart/templates/deployment.yaml", "Deployment")]
    assert not [f for f in package_findings(view) if f.is_error]
    result = compatibility(view)
    assert result.compatible, result.findings


def test_findings_name_the_template_the_object_came_from():
    chart = helm_charts.chart(**{"values.yaml": helm_charts.VALUES.format(digest="c" * 64)
                                 .replace("privileged: false", "privileged: true")})
    result = compatibility(chart_package(chart))
    assert not result.compatible
    (finding,) = by_code(result.findings, "pod-security.privileged")
    assert finding.key.startswith("chart/templates/deployment.yaml[0].spec.template.spec.containers[0]")


def test_ci_values_files_are_rendered_and_verified_too():
    chart = helm_charts.chart(**{"ci/privileged-values.yaml": "privileged: true\n"})
    result = compatibility(chart_package(chart))
    assert by_code(result.findings, "pod-security.privileged")


def test_config_values_reach_the_chart_through_their_values_path():
    view = chart_package(config=[HOST_CONFIG, INGRESS_ON])
    ingresses = [o for o in deploy_of(view).objects if o.kind == "Ingress"]
    assert ingresses[0].path == "chart/templates/ingress.yaml"
    assert ingresses[0].body["spec"]["rules"][0]["host"] == "zaken.gemeente.example"


def test_text_in_a_chart_is_never_rewritten():
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: zaken}\ndata: {url: '${hostname}'}\n"
    view = chart_package(helm_charts.chart(**{"templates/configmap.yaml": configmap}))
    (cm,) = [o for o in deploy_of(view).objects if o.kind == "ConfigMap"]
    assert cm.body["data"]["url"] == "${hostname}"
    assert not [f for f in package_findings(view) if f.code.startswith("render.")]


def test_a_template_error_is_an_error_keyed_by_the_template():
    view = chart_package(helm_charts.chart(**{"templates/db.yaml": '{{ required "set database.host" nil }}\n'}))
    (finding,) = by_code(package_findings(view), "helm.render-failed")
    assert finding.is_error and finding.key == "chart/templates/db.yaml"
    assert "set database.host" in finding.message


def test_a_dependency_that_is_not_vendored_is_reported():
    chart_yaml = helm_charts.CHART_YAML.format(name="zaken") + (
        "dependencies:\n  - name: redis\n    version: 22.0.1\n    repository: oci://registry-1.docker.io/bitnamicharts\n")
    view = chart_package(helm_charts.chart(**{"Chart.yaml": chart_yaml}))
    (finding,) = by_code(package_findings(view), "helm.dependency-missing")
    assert finding.key == "chart/Chart.yaml#dependencies[0]" and "redis" in finding.message


def test_vendored_dependencies_as_folder_or_archive_are_found():
    chart_yaml = helm_charts.CHART_YAML.format(name="zaken") + (
        "dependencies:\n  - name: cache\n    version: 1.0.0\n    repository: https://charts.example\n")
    sub = {"charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.0.0\n"}
    view = chart_package(helm_charts.chart(**{"Chart.yaml": chart_yaml}, **sub))
    assert "helm.dependency-missing" not in codes(package_findings(view))


def test_a_chart_of_api_version_v1_is_refused():
    view = chart_package(helm_charts.chart(**{"Chart.yaml": "apiVersion: v1\nname: zaken\nversion: 0.1.0\n"}))
    assert "helm.chart-api-version" in codes(package_findings(view))


def test_a_chart_in_deploy_gets_one_finding_instead_of_yaml_errors():
    data = factories.manifest()
    files = factories.package_files(data)
    del files["deploy/deployment.yaml"]
    sub = {"charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.0.0\n"}
    files.update({f"deploy/{p}": b for p, b in helm_charts.chart(**sub).items()})
    findings = package_findings(PackageView(files=files, manifest=data))
    (finding,) = [f for f in findings if f.is_error]
    assert finding.code == "helm.chart-in-deploy" and finding.key == "deploy/Chart.yaml"
    assert finding.message.startswith("This is a Helm chart: move it to chart/")
    assert describe(finding.code, finding.data, finding.message, "nl")[0].startswith(
        "Dit is een Helm-chart: verplaats hem naar chart/")
    assert "package.no-deploy" not in codes(findings)


def test_publiccode_yaml_is_read_with_a_warning_to_rename_it():
    data = factories.manifest()
    files = factories.package_files(data)
    files["publiccode.yaml"] = files.pop("publiccode.yml")
    findings = package_findings(PackageView(files=files, manifest=data))
    assert [f.code for f in findings if f.key == "publiccode.yaml"] == ["package.publiccode-yaml"]
    assert "package.publiccode-missing" not in codes(findings)
    broken = {**files, "publiccode.yaml": b"publiccodeYmlVersion: '0'\nname: 3\n"}
    assert any(f.code.startswith("publiccode.") and f.is_error
               for f in package_findings(PackageView(files=broken, manifest=data)))


def test_both_publiccode_names_get_a_warning_and_yml_wins():
    data = factories.manifest()
    files = factories.package_files(data)
    files["publiccode.yaml"] = b"not: [valid"
    findings = package_findings(PackageView(files=files, manifest=data))
    assert "package.publiccode-both" in codes(findings)
    assert not [f for f in findings if f.is_error]


@pytest.mark.parametrize("path", ["ingress..host", "hosts[x]", 3])
def test_a_malformed_helm_value_path_is_a_manifest_error(path):
    view = chart_package(config=[{"name": "hostname", "example": "x", "helmValue": path}])
    (finding,) = by_code(package_findings(view), "manifest.invalid-helm-value")
    assert finding.key == "config[0].helmValue"


@pytest.mark.parametrize(("path", "english", "dutch"), [
    ("ingress..host", "character 9 does not fit", "teken 9 past daar niet"),
    ("a" * 300, "at most 256 characters", "hoogstens 256 tekens"),
    ("hosts[5000]", "go up to 1000", "gaan tot 1000"),
])
def test_helm_value_findings_are_worded_in_both_languages(path, english, dutch):
    view = chart_package(config=[{"name": "hostname", "example": "x", "helmValue": path}])
    (finding,) = by_code(package_findings(view), "manifest.invalid-helm-value")
    assert english in finding.message
    assert dutch in describe(finding.code, finding.data, finding.message, "nl")[0]


def test_without_helms_engine_the_finding_says_what_to_install():
    # `python -S` has no site-packages: Helm's engine cannot be imported there.
    renderer = IsolatedRenderer(python=(sys.executable, "-S"))
    result = render_for_verification(chart_package(), renderer, {})
    (finding,) = result.findings
    assert finding.code == "helm.unavailable" and finding.is_error and finding.key == "chart/"
    assert "pip install 'gemeente-appstore[helm]'" in finding.message
    assert result.manifests == ()
