"""The rules of the baseline level of the Pod Security Standards.

Each rule yields what it refuses in a pod; :mod:`plugins.pod_security_rules`
says from which policy version each applies. After the ``policy/check_*.go``
files of Kubernetes' pod-security-admission module (our own code).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plugins.pod_security_pod import PodTemplate, Rule, Version, Violation, context_of, mapping, who
from sdk.findings import join_key

#: Capabilities a container runtime grants by default; baseline lets them be added.
DEFAULT_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})
#: The safe sysctls, and the policy version from which each one is allowed.
SAFE_SYSCTLS_SINCE: dict[str, Version] = {
    **dict.fromkeys(("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                     "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
                     "net.ipv4.ip_unprivileged_port_start"), (1, 0)),
    "net.ipv4.ip_local_reserved_ports": (1, 27),
    **dict.fromkeys(("net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                     "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"), (1, 29)),
    **dict.fromkeys(("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"), (1, 32)),
    **dict.fromkeys(("net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"), (1, 37)),
}
SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def host_namespaces(pod: PodTemplate) -> Iterator[Violation]:
    for name in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.spec.get(name) is True:
            yield Violation("pod-security.host-namespaces", join_key(pod.field, name),
                            f"`{name}: true` shares the node's namespaces; remove it.",
                            "hostNamespaces", True, False)


def privileged(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        if context_of(c).get("privileged") is True:
            yield Violation("pod-security.privileged", c.at("securityContext", "privileged"),
                            f"{who(c)} runs privileged; remove `privileged: true`.",
                            "privileged", True, False)


def capabilities_baseline(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        added = [str(a) for a in mapping(context_of(c).get("capabilities")).get("add") or []
                 if a not in DEFAULT_CAPABILITIES]
        if added:
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "add"),
                            f"{who(c)} adds {', '.join(added)}; add only capabilities of the "
                            "default set.", "capabilities_baseline", added, sorted(DEFAULT_CAPABILITIES))


def host_path_volumes(pod: PodTemplate) -> Iterator[Violation]:
    for index, volume in volumes(pod):
        if volume.get("hostPath") is not None:
            yield host_path(pod, index, volume, "hostPathVolumes")


def volumes(pod: PodTemplate) -> Iterator[tuple[int, Mapping[str, Any]]]:
    volumes = pod.spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, dict):
            yield index, volume


def host_path(pod: PodTemplate, index: int, volume: Mapping[str, Any], check: str) -> Violation:
    return Violation("pod-security.host-path", join_key(pod.field, f"volumes[{index}].hostPath"),
                     f"volume `{volume_name(volume)}` mounts a path of the node; use a "
                     "persistentVolumeClaim or emptyDir instead.", check, "hostPath", None)


def volume_name(volume: Mapping[str, Any]) -> str:
    name = volume.get("name")
    return "(no name)" if name is None else str(name)


def host_ports(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        ports = c.body.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            value = mapping(port).get("hostPort")
            if value not in (None, 0):
                yield Violation("pod-security.host-ports", c.at("ports", index, "hostPort"),
                                f"{who(c)} binds port {value} of the node; remove `hostPort` and "
                                "use a Service.", "hostPorts", value, 0)


def app_armor(pod: PodTemplate) -> Iterator[Violation]:
    for context, at, setter in pod.contexts():
        profile = context.get("appArmorProfile")
        if isinstance(profile, dict) and profile.get("type") not in APPARMOR_TYPES:
            yield Violation("pod-security.apparmor", join_key(at, "appArmorProfile.type"),
                            f"{setter} sets AppArmor profile type {profile.get('type') or '(empty)'}; "
                            "use RuntimeDefault or Localhost, or leave it unset.",
                            "appArmorProfile", profile.get("type"), list(APPARMOR_TYPES))
    for name, value in sorted(pod.annotations.items(), key=lambda item: str(item[0])):
        if str(name).startswith(APPARMOR_ANNOTATION) and not _allowed_apparmor_annotation(value):
            yield Violation("pod-security.apparmor", join_key(pod.annotations_field, str(name)),
                            f"annotation {name} sets AppArmor profile {value or '(empty)'}; use runtime/default "
                            "or localhost/<profile>, or remove it.", "appArmorProfile", value,
                            ["runtime/default", "localhost/*"])


def _allowed_apparmor_annotation(value: Any) -> bool:
    text = "" if value is None else str(value)
    return text in ("", "runtime/default") or text.startswith("localhost/")


def selinux(allowed: frozenset[str]) -> Rule:
    def rule(pod: PodTemplate) -> Iterator[Violation]:
        for context, at, setter in pod.contexts():
            options = context.get("seLinuxOptions")
            if not isinstance(options, dict):
                continue
            kind = options.get("type") or ""
            if kind not in allowed or options.get("user") or options.get("role"):
                yield Violation("pod-security.selinux", join_key(at, "seLinuxOptions"),
                                f"{setter} sets a custom SELinux user, role or type ({kind or 'no type'}); "
                                "keep only `level` and a container type such as container_t.",
                                "seLinuxOptions", dict(options), sorted(allowed - {""}))
    return rule


def proc_mount(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        value = context_of(c).get("procMount")
        if value is not None and value != "Default":
            yield Violation("pod-security.proc-mount", c.at("securityContext", "procMount"),
                            f"{who(c)} sets procMount {value}, which unmasks /proc; remove it.",
                            "procMount", value, "Default")


def proc_mount_1_35(pod: PodTemplate) -> Iterator[Violation]:
    """From 1.35 baseline allows any procMount in a user namespace (``hostUsers: false``)."""
    return iter(()) if pod.user_namespace else proc_mount(pod)


def seccomp_annotations(pod: PodTemplate) -> Iterator[Violation]:
    """Before 1.19 seccomp was set with alpha annotations."""
    names = [SECCOMP_POD_ANNOTATION] + [SECCOMP_CONTAINER_ANNOTATION + c.name for c in pod.containers]
    for name in names:
        if name not in pod.annotations:
            continue
        value = pod.annotations[name]
        text = "" if value is None else str(value)
        if text not in ("runtime/default", "docker/default") and not text.startswith("localhost/"):
            yield Violation("pod-security.seccomp", join_key(pod.annotations_field, name),
                            f"annotation {name} sets seccomp profile {text or '(empty)'}; use "
                            "runtime/default.", "seccompProfile_baseline", text,
                            ["runtime/default", "docker/default", "localhost/*"])


def bad_seccomp(context: Mapping[str, Any], at: str, setter: str, check: str) -> Violation | None:
    profile = context.get("seccompProfile")
    if profile is None:
        return None
    kind = mapping(profile).get("type")
    if kind in SECCOMP_TYPES:
        return None
    return Violation("pod-security.seccomp", join_key(at, "seccompProfile.type"),
                     f"{setter} sets seccomp profile {kind or '(empty)'}; use RuntimeDefault or Localhost.",
                     check, kind, list(SECCOMP_TYPES))


def seccomp_baseline(pod: PodTemplate) -> Iterator[Violation]:
    for context, at, setter in pod.contexts():
        bad = bad_seccomp(context, at, setter, "seccompProfile_baseline")
        if bad is not None:
            yield bad


def sysctls(version: Version) -> Rule:
    def rule(pod: PodTemplate) -> Iterator[Violation]:
        sysctls = pod.context.get("sysctls")
        for index, sysctl in enumerate(sysctls if isinstance(sysctls, list) else []):
            name = mapping(sysctl).get("name")
            since = SAFE_SYSCTLS_SINCE.get(name) if isinstance(name, str) else None
            if since is not None and since <= version:
                continue
            later = f" (safe from Kubernetes {since[0]}.{since[1]} on)" if since else ""
            yield Violation("pod-security.sysctls", join_key(pod.context_field, f"sysctls[{index}]"),
                            f"sysctl {name or '(no name)'} is not in the safe set of Pod Security{later}; remove it.",
                            "sysctls", name, sorted(n for n, v in SAFE_SYSCTLS_SINCE.items() if v <= version))
    return rule


def windows_host_process(pod: PodTemplate) -> Iterator[Violation]:
    for context, at, setter in pod.contexts():
        if mapping(context.get("windowsOptions")).get("hostProcess") is True:
            yield Violation("pod-security.host-process", join_key(at, "windowsOptions.hostProcess"),
                            f"{setter} asks for a Windows host process; remove `hostProcess: true`.",
                            "windowsHostProcess", True, False)


def host_probes(pod: PodTemplate) -> Iterator[Violation]:
    """From 1.34 probes and lifecycle handlers may not name another host."""
    for c in pod.containers:
        places = [(probe, mapping(c.body.get(probe)))
                  for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
        lifecycle = mapping(c.body.get("lifecycle"))
        places += [(f"lifecycle.{hook}", mapping(lifecycle.get(hook))) for hook in ("postStart", "preStop")]
        for place, handler in places:
            for action in ("httpGet", "tcpSocket"):
                host = mapping(handler.get(action)).get("host")
                if host:
                    yield Violation("pod-security.host-probes", c.at(f"{place}.{action}.host"),
                                    f"{who(c)} sends its {place} to host {host}; remove `host` so the "
                                    "pod's own address is used.", "hostProbesAndHostLifecycle", host, "")
