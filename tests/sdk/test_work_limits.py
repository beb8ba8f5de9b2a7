"""Work per package: documents, findings kept and time, the same in ``appstore check`` and the registry."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from sdk import hookimpl
from sdk.budget import Budget, OutOfTime, WorkLimits, checkpoint, summarise
from sdk.checking import check_path
from sdk.findings import Finding, has_errors, sorted_findings
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.verification import check_platforms, create_plugin_manager, verify_package
from tests import factories
from tests.plugins.kubernetes_support import PROFILE
from tests.sdk.helpers import write_project

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\ndata: {{k: v}}\n"
#: One container, aliased: a 1 KB file whose pod spec holds many containers, each with findings.
FAN_OUT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: fan}}
spec:
  selector: {{matchLabels: {{app: fan}}}}
  template:
    metadata: {{labels: {{app: fan}}}}
    spec:
      containers: [&c {{name: c, image: "nginx:latest"}}, {aliases}]
"""


def configmaps(count: int) -> str:
    return "---\n".join(CONFIGMAP.format(n=n) for n in range(count))


def project_with_many_configmaps(tmp_path: Path, count: int) -> Path:
    return write_project(tmp_path, factories.package_files(**{"deploy__many.yaml": configmaps(count)}))


def project_with_fanned_out_containers(tmp_path: Path, count: int) -> Path:
    fan = FAN_OUT.format(aliases=", ".join(["*c"] * (count - 1)))
    return write_project(tmp_path, factories.package_files(**{"deploy__fan.yaml": fan}))


def test_past_the_document_limit_the_package_is_refused(tmp_path: Path) -> None:
    project = project_with_many_configmaps(tmp_path, 6)
    assert check_path(project, limits=WorkLimits(max_documents=7)).accepted  # with the Deployment: 7
    report = check_path(project, limits=WorkLimits(max_documents=6))
    assert not report.accepted
    (finding,) = [f for f in report.findings if f.code == "package.too-many-documents"]
    assert finding.is_error and finding.key == "deploy/many.yaml" and "more than 6" in finding.message


def test_documents_are_counted_over_all_files_and_json_streams(tmp_path: Path) -> None:
    stream = "\n".join(f'{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "j{n}"}}}}' for n in range(3))
    files = factories.package_files(**{"deploy__a.json": stream, "deploy__b.yaml": configmaps(2)})
    report = check_path(write_project(tmp_path, files), limits=WorkLimits(max_documents=5))
    # a.json (3) and b.yaml (2) fill the limit; deployment.yaml crosses it
    assert [f.key for f in report.findings if f.code == "package.too-many-documents"] == ["deploy/deployment.yaml"]


def test_findings_are_kept_per_code_up_to_the_cap_and_the_rest_summarised(tmp_path: Path) -> None:
    project = project_with_fanned_out_containers(tmp_path, 12)
    full = check_path(project, limits=WorkLimits(max_findings_per_code=1000))
    capped = check_path(project, limits=WorkLimits(max_findings_per_code=2))
    assert capped.accepted == full.accepted
    for before, after in zip(full.compatibility, capped.compatibility, strict=True):
        assert after.compatible == before.compatible
        counts = Counter(f.code for f in before.findings)
        kept = Counter(f.code for f in after.findings if f.code != "findings.more")
        assert kept == {code: min(n, 2) for code, n in counts.items()}
        summaries = [f for f in after.findings if f.code == "findings.more"]
        assert sorted(int(f.message.split()[0]) for f in summaries) == sorted(n - 2 for n in counts.values() if n > 2)
        assert has_errors(after.findings) == has_errors(before.findings)


def test_a_summary_is_as_severe_as_the_worst_finding_it_stands_for() -> None:
    findings = sorted_findings([Finding.warning("x.y", "w", "a"), Finding.warning("x.y", "w", "b"),
                                Finding.error("x.y", "e", "c"), Finding.info("x.z", "i", "d")])
    summary = summarise(findings, per_code=1)
    assert [(f.code, f.severity) for f in summary] == [("x.y", "error"), ("findings.more", "warning"),
                                                       ("x.z", "info")]
    assert summarise(findings, per_code=5) == findings


class EndlessCheck:
    """A check that would run for ever, but checks the budget as it goes."""

    @hookimpl
    def appstore_verify_package(self, package: PackageView, context: VerificationContext) -> list[Finding]:
        while True:
            checkpoint()

    @hookimpl
    def appstore_verify_platform(self, package: PackageView, profile, context) -> list[Finding]:  # type: ignore[no-untyped-def]
        while True:
            checkpoint()


def ticking_budget(seconds: float) -> Budget:
    """A budget on a clock that moves one second each time it is read: no waiting, no wall clock."""
    ticks = itertools.count()
    return Budget(WorkLimits(max_seconds=seconds), clock=lambda: float(next(ticks)))


def test_out_of_time_the_package_is_refused_with_the_findings_so_far() -> None:
    pm = create_plugin_manager(installed=False, extra=[EndlessCheck()])
    view = PackageView(files=factories.package_files(), manifest=factories.manifest())
    decision = verify_package(pm, view, VerificationContext(), budget=ticking_budget(50))
    assert not decision.accepted
    codes = [f.code for f in decision.findings]
    assert "verification.too-slow" in codes and "plugin.crashed" not in codes
    with pytest.raises(OutOfTime) as late:
        check_platforms(pm, view, VerificationContext(profiles=(PROFILE,)), ticking_budget(50))
    assert [f.code for f in late.value.findings] == ["verification.too-slow"]


def test_the_budget_is_checked_between_plugins_even_when_a_plugin_never_checks() -> None:
    seen = SimpleNamespace(calls=0)

    class QuietCheck:
        @hookimpl
        def appstore_verify_package(self, package: PackageView, context: VerificationContext) -> list[Finding]:
            seen.calls += 1
            return []

    pm = create_plugin_manager(installed=False, extra=[QuietCheck()])
    view = PackageView(files=factories.package_files(), manifest=factories.manifest())
    decision = verify_package(pm, view, VerificationContext(), budget=ticking_budget(0))
    assert [f.code for f in decision.findings] == ["verification.too-slow"] and seen.calls == 0


def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    deep = "a: " + "[" * 700 + "]" * 700 + "\n"
    files = factories.package_files(**{"deploy__deep.yaml": deep, "deploy__deep.json": '{"a":' * 100_000})
    report = check_path(write_project(tmp_path, files))
    assert not report.accepted
    assert {(f.code, f.key) for f in report.findings if f.code.endswith("too-deep")} == {
        ("yaml.too-deep", "deploy/deep.yaml"), ("kubernetes.too-deep", "deploy/deep.json")}
    assert "plugin.crashed" not in {f.code for f in report.findings}
    manifest = write_project(tmp_path / "m", {**factories.package_files(), "appstore.yaml": deep.encode()})
    assert "yaml.too-deep" in {f.code for f in check_path(manifest).findings}
