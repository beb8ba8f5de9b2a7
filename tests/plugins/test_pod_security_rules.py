"""Pod Security rules, level by level and policy version by version.

The cases follow the fixtures of Kubernetes' pod-security-admission module
(``test/testdata/<level>/v1.<minor>/{pass,fail}``): a pod that meets the
restricted level, changed in one place, and the versions where that change
starts or stops being refused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from plugins.kubernetes_objects import KubeObject
from plugins.pod_security_rules import LATEST, PodTemplate, active_rules, violations

Pod = dict[str, Any]


def restricted_pod() -> Pod:
    """The smallest pod that every level of every version admits."""
    def container(name: str) -> dict[str, Any]:
        return {"name": name, "image": "registry.k8s.io/pause",
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod"},
            "spec": {"securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                     "initContainers": [container("initcontainer1")], "containers": [container("container1")]}}


def checks_failing(change: Callable[[Pod], None], level: str, version: tuple[int, int]) -> set[str]:
    pod = restricted_pod()
    change(pod)
    template = PodTemplate.of(KubeObject("deploy/pod.yaml", 0, pod))
    assert template is not None
    return {v.check for v in violations(template, level, version)}


def spec(pod: Pod) -> dict[str, Any]:
    return pod["spec"]


def ctx(pod: Pod, index: int = 0) -> dict[str, Any]:
    return pod["spec"]["containers"][index]["securityContext"]


def set_sysctl(name: str) -> Callable[[Pod], None]:
    return lambda pod: spec(pod)["securityContext"].update(sysctls=[{"name": name, "value": "1"}])


def probe_host(pod: Pod) -> None:
    pod["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"host": "10.0.0.1", "port": 8080}}


def pre_stop_host(pod: Pod) -> None:
    pod["spec"]["initContainers"][0]["lifecycle"] = {"preStop": {"tcpSocket": {"host": "db", "port": 5432}}}


def unmasked_proc(pod: Pod) -> None:
    ctx(pod)["procMount"] = "Unmasked"


def in_user_namespace(change: Callable[[Pod], None]) -> Callable[[Pod], None]:
    def both(pod: Pod) -> None:
        change(pod)
        spec(pod)["hostUsers"] = False
    return both


def root_user(pod: Pod) -> None:
    ctx(pod)["runAsUser"] = 0


def no_run_as_non_root(pod: Pod) -> None:
    del spec(pod)["securityContext"]["runAsNonRoot"]


def windows_without_linux_fields(pod: Pod) -> None:
    spec(pod)["os"] = {"name": "windows"}
    del spec(pod)["securityContext"]["seccompProfile"]
    for name in ("containers", "initContainers"):
        spec(pod)[name][0]["securityContext"] = {}


def no_escalation_setting(pod: Pod) -> None:
    del ctx(pod)["allowPrivilegeEscalation"]


def add_capability(name: str) -> Callable[[Pod], None]:
    return lambda pod: ctx(pod)["capabilities"].update(add=[name])


def apparmor_annotation(value: str) -> Callable[[Pod], None]:
    return lambda pod: pod["metadata"].update(
        annotations={"container.apparmor.security.beta.kubernetes.io/container1": value})


def seccomp_annotation(pod: Pod) -> None:
    pod["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}


def volume(source: dict[str, Any]) -> Callable[[Pod], None]:
    return lambda pod: spec(pod).update(volumes=[{"name": "data", **source}])


def selinux(options: dict[str, Any]) -> Callable[[Pod], None]:
    return lambda pod: ctx(pod).update(seLinuxOptions=options)


# (change, level, version, checks that fail), after the upstream fixtures.
CASES: list[tuple[str, Callable[[Pod], None], str, tuple[int, int], set[str]]] = [
    ("privileged", lambda p: ctx(p).update(privileged=True), "baseline", (1, 0), {"privileged"}),
    ("host network", lambda p: spec(p).update(hostNetwork=True), "baseline", (1, 34), {"hostNamespaces"}),
    ("host port", lambda p: p["spec"]["containers"][0].update(ports=[{"containerPort": 80, "hostPort": 80}]),
     "baseline", (1, 34), {"hostPorts"}),
    ("host port 0 is none", lambda p: p["spec"]["containers"][0].update(ports=[{"containerPort": 80,
                                                                               "hostPort": 0}]),
     "restricted", (1, 34), set()),
    ("NET_RAW beyond the default set", add_capability("NET_RAW"), "baseline", (1, 34),
     {"capabilities_baseline"}),
    ("CHOWN in the default set", add_capability("CHOWN"), "baseline", (1, 34), set()),
    ("CHOWN under restricted", add_capability("CHOWN"), "restricted", (1, 22), {"capabilities_restricted"}),
    ("CHOWN before restricted capabilities", add_capability("CHOWN"), "restricted", (1, 21), set()),
    ("NET_BIND_SERVICE", add_capability("NET_BIND_SERVICE"), "restricted", (1, 34), set()),
    ("sysctl tcp_rmem before 1.32", set_sysctl("net.ipv4.tcp_rmem"), "baseline", (1, 31), {"sysctls"}),
    ("sysctl tcp_rmem from 1.32", set_sysctl("net.ipv4.tcp_rmem"), "baseline", (1, 32), set()),
    ("sysctl reserved ports before 1.27", set_sysctl("net.ipv4.ip_local_reserved_ports"), "baseline",
     (1, 26), {"sysctls"}),
    ("sysctl keepalive from 1.29", set_sysctl("net.ipv4.tcp_keepalive_time"), "baseline", (1, 29), set()),
    ("sysctl notsent_lowat before 1.37", set_sysctl("net.ipv4.tcp_notsent_lowat"), "restricted", (1, 36),
     {"sysctls"}),
    ("sysctl notsent_lowat from 1.37", set_sysctl("net.ipv4.tcp_notsent_lowat"), "restricted", (1, 37), set()),
    ("unsafe sysctl", set_sysctl("kernel.msgmax"), "baseline", (1, 37), {"sysctls"}),
    ("probe host before 1.34", probe_host, "baseline", (1, 33), set()),
    ("probe host from 1.34", probe_host, "baseline", (1, 34), {"hostProbesAndHostLifecycle"}),
    ("preStop host from 1.34", pre_stop_host, "restricted", (1, 35), {"hostProbesAndHostLifecycle"}),
    ("AppArmor field Unconfined", lambda p: ctx(p).update(appArmorProfile={"type": "Unconfined"}),
     "baseline", (1, 30), {"appArmorProfile"}),
    ("AppArmor field Localhost", lambda p: spec(p)["securityContext"].update(
        appArmorProfile={"type": "Localhost", "localhostProfile": "k8s-nginx"}), "restricted", (1, 34), set()),
    ("AppArmor annotation unconfined", apparmor_annotation("unconfined"), "baseline", (1, 0),
     {"appArmorProfile"}),
    ("AppArmor annotation localhost", apparmor_annotation("localhost/k8s-nginx"), "baseline", (1, 34), set()),
    ("AppArmor annotation runtime/default", apparmor_annotation("runtime/default"), "restricted", (1, 34),
     set()),
    ("seccomp Localhost on the pod", lambda p: spec(p)["securityContext"].update(
        seccompProfile={"type": "Localhost", "localhostProfile": "profiles/audit.json"}),
     "restricted", (1, 34), set()),
    ("seccomp Unconfined on a container", lambda p: ctx(p).update(seccompProfile={"type": "Unconfined"}),
     "baseline", (1, 19), {"seccompProfile_baseline"}),
    ("seccomp annotation before 1.19", seccomp_annotation, "baseline", (1, 18), {"seccompProfile_baseline"}),
    ("seccomp annotation from 1.19", seccomp_annotation, "baseline", (1, 19), set()),
    ("no seccomp anywhere", lambda p: spec(p)["securityContext"].pop("seccompProfile"), "restricted",
     (1, 19), {"seccompProfile_restricted"}),
    ("no seccomp before 1.19", lambda p: spec(p)["securityContext"].pop("seccompProfile"), "restricted",
     (1, 18), set()),
    ("SELinux container_engine_t before 1.31", selinux({"type": "container_engine_t"}), "baseline", (1, 30),
     {"seLinuxOptions"}),
    ("SELinux container_engine_t from 1.31", selinux({"type": "container_engine_t"}), "baseline", (1, 31),
     set()),
    ("SELinux user", selinux({"user": "system_u"}), "baseline", (1, 34), {"seLinuxOptions"}),
    ("SELinux level only", selinux({"level": "s0:c123,c456"}), "restricted", (1, 34), set()),
    ("Windows host process", lambda p: spec(p)["securityContext"].update(
        windowsOptions={"hostProcess": True}), "baseline", (1, 34), {"windowsHostProcess"}),
    ("Windows pod before 1.25", windows_without_linux_fields, "restricted", (1, 24),
     {"allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"}),
    ("Windows pod from 1.25", windows_without_linux_fields, "restricted", (1, 25), set()),
    ("procMount Unmasked", unmasked_proc, "baseline", (1, 34), {"procMount"}),
    ("procMount in a user namespace before 1.35", in_user_namespace(unmasked_proc), "baseline", (1, 34),
     {"procMount"}),
    ("procMount in a user namespace from 1.35", in_user_namespace(unmasked_proc), "baseline", (1, 35), set()),
    ("procMount restricted in a user namespace", in_user_namespace(unmasked_proc), "restricted", (1, 35),
     {"procMount_restricted"}),
    ("runAsUser 0 before 1.23", root_user, "restricted", (1, 22), set()),
    ("runAsUser 0", root_user, "restricted", (1, 23), {"runAsUser"}),
    ("runAsUser 0 in a user namespace from 1.35", in_user_namespace(root_user), "restricted", (1, 35), set()),
    ("runAsUser 0 in a user namespace before 1.35", in_user_namespace(root_user), "restricted", (1, 34),
     {"runAsUser"}),
    ("runAsNonRoot unset", no_run_as_non_root, "restricted", (1, 0), {"runAsNonRoot"}),
    ("runAsNonRoot unset in a user namespace", in_user_namespace(no_run_as_non_root), "restricted", (1, 35),
     set()),
    ("runAsNonRoot false on a container", lambda p: ctx(p).update(runAsNonRoot=False), "restricted", (1, 34),
     {"runAsNonRoot"}),
    ("allowPrivilegeEscalation unset", no_escalation_setting, "restricted", (1, 8), {"allowPrivilegeEscalation"}),
    ("allowPrivilegeEscalation before 1.8", no_escalation_setting, "restricted", (1, 7), set()),
    ("allowPrivilegeEscalation unset, baseline", no_escalation_setting, "baseline", (1, 34), set()),
    ("hostPath", volume({"hostPath": {"path": "/var/run"}}), "baseline", (1, 0), {"hostPathVolumes"}),
    ("hostPath under restricted", volume({"hostPath": {"path": "/"}}), "restricted", (1, 34),
     {"restrictedVolumes"}),
    ("nfs, baseline", volume({"nfs": {"server": "nfs", "path": "/"}}), "baseline", (1, 34), set()),
    ("nfs, restricted", volume({"nfs": {"server": "nfs", "path": "/"}}), "restricted", (1, 34),
     {"restrictedVolumes"}),
    ("image volume", volume({"image": {"reference": "registry.example/data:1"}}), "restricted", (1, 34), set()),
    ("volume without a source (emptyDir)", volume({}), "restricted", (1, 34), set()),
    ("anything, privileged level", lambda p: ctx(p).update(privileged=True), "privileged", (1, 34), set()),
]


@pytest.mark.parametrize(("change", "level", "version", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rule_at_level_and_version(change: Callable[[Pod], None], level: str, version: tuple[int, int],
                                   expected: set[str]) -> None:
    assert checks_failing(change, level, version) == expected


def test_restricted_pod_passes_every_level_and_version() -> None:
    for minor in range(0, LATEST[1] + 3):
        for level in ("baseline", "restricted"):
            assert checks_failing(lambda pod: None, level, (1, minor)) == set()


def test_versions_newer_than_the_table_use_its_latest_rules() -> None:
    assert active_rules("restricted", (1, 99)) == active_rules("restricted", LATEST)


def test_versions_between_two_changes_share_their_rules() -> None:
    # The plugin judges a pod once per set of rules: 1.36 changed nothing after 1.35.
    assert active_rules("baseline", (1, 36)) == active_rules("baseline", (1, 35))
    assert active_rules("baseline", (1, 34)) != active_rules("baseline", (1, 35))
    assert active_rules("privileged", (1, 35)) == ()


def test_restricted_checks_replace_the_baseline_checks_they_override() -> None:
    ids = {check for check, _ in active_rules("restricted", (1, 35))}
    assert {"restrictedVolumes", "seccompProfile_restricted", "capabilities_restricted",
            "procMount_restricted"} <= ids
    assert not ids & {"hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline", "procMount"}
    # Before restricted capabilities existed (1.22), baseline's still applies.
    assert "capabilities_baseline" in {check for check, _ in active_rules("restricted", (1, 21))}


def test_violation_keeps_field_and_values_for_messages() -> None:
    pod = restricted_pod()
    spec(pod)["securityContext"]["sysctls"] = [{"name": "net.ipv4.tcp_wmem", "value": "4096"}]
    template = PodTemplate.of(KubeObject("deploy/pod.yaml", 0, copy.deepcopy(pod)))
    assert template is not None
    (found,) = violations(template, "baseline", (1, 31))
    assert (found.code, found.field, found.actual) == (
        "pod-security.sysctls", "spec.securityContext.sysctls[0]", "net.ipv4.tcp_wmem")
    assert found.data["safeFrom"] == "1.32"
