"""Pod Security findings per profile: its level, and the versions where a rule fails."""

from __future__ import annotations

import pytest

from sdk.findings import Kind, Severity
from sdk.profiles import PlatformProfile
from tests import factories
from tests.plugins.kubernetes_support import by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
POD_SPEC = "deploy/app.yaml[0].spec.template.spec"
CONTAINER = f"{POD_SPEC}.containers[0]"


def profile(*versions: str, level: str = "restricted") -> PlatformProfile:
    return PlatformProfile(id="p", name="P", kubernetes_versions=versions, pod_security=level,
                           services=("postgresql",))


def deployment(old: str, new: str) -> str:
    assert old in DEPLOYMENT
    return DEPLOYMENT.replace(old, new)


SYSCTL = deployment("        runAsNonRoot: true\n", "        runAsNonRoot: true\n"
                    "        sysctls: [{name: net.ipv4.tcp_rmem, value: '4096 87380 6291456'}]\n")
PROBE_HOST = deployment("readinessProbe: {httpGet: {path: /health, port: 8000}}",
                        "readinessProbe: {httpGet: {host: 10.0.0.1, path: /health, port: 8000}}")


def test_sysctl_that_became_safe_fails_only_on_older_versions() -> None:
    result = compatibility(package(app=SYSCTL), profile("1.31", "1.32", "1.33"))
    (finding,) = by_code(result.findings, "pod-security.sysctls")
    assert finding.key == f"{POD_SPEC}.securityContext.sysctls[0]"
    assert finding.message.endswith("(fails on Kubernetes 1.31)")
    assert compatibility(package(app=SYSCTL), profile("1.32", "1.33")).findings == ()


def test_probe_host_fails_from_1_34_and_says_where() -> None:
    result = compatibility(package(app=PROBE_HOST), profile("1.33", "1.34", "1.35"))
    (finding,) = by_code(result.findings, "pod-security.host-probes")
    assert finding.key == f"{CONTAINER}.readinessProbe.httpGet.host"
    assert finding.message.endswith("(fails on Kubernetes 1.34-1.35)")
    assert not result.compatible


def test_problem_on_every_version_names_no_versions() -> None:
    privileged = deployment("allowPrivilegeEscalation: false",
                            "allowPrivilegeEscalation: false\n            privileged: true")
    (finding,) = compatibility(package(app=privileged), profile("1.34", "1.35")).findings
    assert finding.code == "pod-security.privileged" and not finding.message.endswith(")")


def test_baseline_profile_enforces_no_restricted_checks_but_advises_them() -> None:
    loose = deployment("        runAsNonRoot: true\n        seccompProfile: {type: RuntimeDefault}\n", "") \
        .replace("allowPrivilegeEscalation: false\n            capabilities: {drop: [ALL]}",
                 "capabilities: {add: [CHOWN]}")
    restricted = compatibility(package(app=loose), profile("1.34"))
    assert codes(restricted.findings) == {"pod-security.run-as-non-root", "pod-security.seccomp",
                                          "pod-security.privilege-escalation", "pod-security.capabilities"}
    baseline = compatibility(package(app=loose), profile("1.34", level="baseline"))
    assert baseline.compatible and codes(baseline.findings) == codes(restricted.findings)
    assert {(f.severity, f.kind) for f in baseline.findings} == {(Severity.WARNING, Kind.ADVICE)}


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_baseline_checks_apply_at_both_levels(level: str) -> None:
    host_network = deployment("    spec:\n      securityContext:", "    spec:\n      hostNetwork: true\n"
                              "      securityContext:")
    (finding,) = compatibility(package(app=host_network), profile("1.34", level=level)).findings
    assert (finding.code, finding.key) == ("pod-security.host-namespaces", f"{POD_SPEC}.hostNetwork")


def test_privileged_profile_enforces_nothing() -> None:
    host_network = deployment("    spec:\n      securityContext:", "    spec:\n      hostNetwork: true\n"
                              "      securityContext:")
    verdict = compatibility(package(app=host_network), profile("1.34", level="privileged"))
    assert verdict.compatible
    assert [(f.code, f.kind) for f in verdict.findings] == [("pod-security.host-namespaces", Kind.ADVICE)]


def test_apparmor_annotation_of_the_pod_template() -> None:
    annotated = deployment("      labels: {app: zaken}\n", "      labels: {app: zaken}\n      annotations:\n"
                           "        container.apparmor.security.beta.kubernetes.io/zaken: unconfined\n")
    (finding,) = compatibility(package(app=annotated), profile("1.34")).findings
    assert finding.code == "pod-security.apparmor"
    assert finding.key == ("deploy/app.yaml[0].spec.template.metadata.annotations."
                           "container.apparmor.security.beta.kubernetes.io/zaken")


def test_windows_pod_needs_no_linux_only_fields() -> None:
    windows = deployment("    spec:\n      securityContext:\n        runAsNonRoot: true\n"
                         "        seccompProfile: {type: RuntimeDefault}\n",
                         "    spec:\n      os: {name: windows}\n      securityContext:\n        runAsNonRoot: true\n") \
        .replace("          securityContext:\n            allowPrivilegeEscalation: false\n"
                 "            capabilities: {drop: [ALL]}\n", "")
    assert compatibility(package(app=windows), profile("1.34")).findings == ()


def test_user_namespace_pod_may_run_as_root_from_1_35() -> None:
    root = deployment("        runAsNonRoot: true\n", "        runAsUser: 0\n").replace(
        "    spec:\n      securityContext:", "    spec:\n      hostUsers: false\n      securityContext:")
    result = compatibility(package(app=root), profile("1.34", "1.35"))
    assert {(f.code, f.message.rsplit("(", 1)[-1]) for f in result.findings} == {
        ("pod-security.run-as-user", "fails on Kubernetes 1.34)"),
        ("pod-security.run-as-non-root", "fails on Kubernetes 1.34)"),
    }
