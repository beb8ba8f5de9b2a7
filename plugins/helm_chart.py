"""Helm charts: the shape of ``chart/``, and charts put where manifests belong.

The chart's objects are verified by the Kubernetes checks, which see them
rendered (``plugins.kubernetes_objects``); this plugin checks what rendering
needs: a ``Chart.yaml`` of apiVersion v2 and every dependency vendored under
``chart/charts/``, since nothing is fetched at verify time. A chart placed in
``deploy/`` is reported once, instead of a YAML error per template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdk import hookimpl
from sdk.findings import Finding
from sdk.helm.package_chart import CHART_DIR
from sdk.hookspecs import VerificationContext
from sdk.package import CHART_FILE, PackageView
from sdk.yamldoc import load_yaml

PLUGIN_NAME = "helm-chart"
CHART_YAML = CHART_DIR + CHART_FILE


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    findings = [_chart_in_deploy(folder) for folder in package.charts_in_deploy()]
    if package.exists(CHART_YAML):
        findings += _chart_metadata(package)
    elif package.under(CHART_DIR):
        findings.append(Finding.error("helm.chart-yaml-missing", key=CHART_DIR))
    return findings


def _chart_in_deploy(folder: str) -> Finding:
    return Finding.error("helm.chart-in-deploy", key=folder + CHART_FILE, data={"folder": folder})


def _chart_metadata(package: PackageView) -> list[Finding]:
    data, problems = load_yaml(package.read(CHART_YAML) or b"", CHART_YAML)
    if problems:
        return problems
    if not isinstance(data, dict):
        return [Finding.error("helm.chart-yaml-not-a-mapping", key=CHART_YAML)]
    findings: list[Finding] = []
    if data.get("apiVersion") != "v2":
        findings.append(Finding.error("helm.chart-api-version", key=CHART_YAML + "#apiVersion",
                                      data={"apiVersion": str(data.get("apiVersion"))}))
    for field in ("name", "version"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            findings.append(Finding.error("helm.chart-yaml-missing-key", key=f"{CHART_YAML}#{field}",
                                          data={"field": field}))
    findings += _missing_dependencies(package, data)
    return findings


def _missing_dependencies(package: PackageView, chart: Mapping[str, Any]) -> list[Finding]:
    """Dependencies that are neither a folder nor a .tgz under chart/charts/."""
    vendored = set()
    for path in package.under(CHART_DIR + "charts"):
        rest = path.removeprefix(CHART_DIR + "charts/")
        first = rest.split("/", 1)[0]
        if "/" in rest and rest == f"{first}/{CHART_FILE}":
            vendored.add(first)
        elif "/" not in rest and rest.endswith(".tgz"):
            vendored.add(rest.removesuffix(".tgz").rpartition("-")[0])
    findings = []
    dependencies = chart.get("dependencies")
    for index, item in enumerate(dependencies if isinstance(dependencies, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or name in vendored:
            continue
        repository = str(item.get("repository") or "")
        if repository.startswith("file://"):
            continue  # a local path; Helm reports it if it is not there
        findings.append(Finding.error("helm.dependency-missing", key=f"{CHART_YAML}#dependencies[{index}]",
                                      data={"name": name, "version": str(item.get("version") or "*")}))
    return findings
