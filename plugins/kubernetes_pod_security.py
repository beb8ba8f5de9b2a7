"""Pod Security Standards, "restricted" profile, for every pod template.

Shared platforms enforce this profile with Pod Security admission, so a pod
that breaks it is refused at install time. The rules follow the published
standard (baseline plus restricted): no privileged containers, host
namespaces, host paths or host ports; only safe sysctls and volume types;
non-root users; no privilege escalation; capabilities dropped to ALL (only
NET_BIND_SERVICE may be added back); seccomp RuntimeDefault or Localhost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.kubernetes_objects import Container, KubeObject, containers, workloads
from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "pod-security"
ALLOWED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                             "persistentVolumeClaim", "projected", "secret"})
SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
})
SECCOMP_ALLOWED = ("RuntimeDefault", "Localhost")
SELINUX_TYPES = ("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t")


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings: list[Finding] = []
    for obj, field, spec in workloads(package):
        findings += PodSecurity(obj, field, spec).run()
    return findings


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


class PodSecurity:
    """The restricted checks of one pod spec and its containers."""

    def __init__(self, obj: KubeObject, field: str, spec: Mapping[str, Any]) -> None:
        self.obj, self.field, self.spec = obj, field, spec
        self.context = _mapping(spec.get("securityContext"))
        self.findings: list[Finding] = []

    def fail(self, code: str, field: str, text: str) -> None:
        self.findings.append(self.obj.error(f"pod-security.{code}", field, text))

    def run(self) -> list[Finding]:
        for name in ("hostNetwork", "hostPID", "hostIPC"):
            if self.spec.get(name) is True:
                self.fail("host-namespaces", join_key(self.field, name),
                          f"`{name}: true` shares the node's namespaces; remove it.")
        self.volumes()
        self.pod_context()
        for container in containers(self.field, self.spec):
            self.container(container)
        return self.findings

    def volumes(self) -> None:
        for index, volume in enumerate(self.spec.get("volumes") or []):
            if not isinstance(volume, dict):
                continue
            at = join_key(join_key(self.field, "volumes"), index)
            for source in sorted(set(volume) - {"name"}):
                if source == "hostPath":
                    self.fail("host-path", join_key(at, source),
                              f"volume `{volume.get('name')}` mounts a path of the node; use a "
                              "persistentVolumeClaim or emptyDir instead.")
                elif source not in ALLOWED_VOLUMES:
                    self.fail("volume-types", join_key(at, source),
                              f"volume `{volume.get('name')}` is of type {source}, which the restricted "
                              f"policy forbids; use one of {', '.join(sorted(ALLOWED_VOLUMES))}.")

    def pod_context(self) -> None:
        at = join_key(self.field, "securityContext")
        for index, sysctl in enumerate(self.context.get("sysctls") or []):
            name = _mapping(sysctl).get("name")
            if name not in SAFE_SYSCTLS:
                self.fail("sysctls", join_key(join_key(at, "sysctls"), index),
                          f"sysctl `{name}` is not in the safe set; remove it.")
        self.common_context(self.context, at, "the pod")
        if self.context.get("runAsUser") == 0:
            self.fail("run-as-user", join_key(at, "runAsUser"), "the pod runs as user 0 (root); "
                      "set a non-zero `runAsUser` or leave it to the image.")

    def common_context(self, context: Mapping[str, Any], at: str, who: str) -> None:
        """Rules that apply alike to a pod's and a container's securityContext."""
        seccomp = _mapping(context.get("seccompProfile")).get("type")
        if seccomp is not None and seccomp not in SECCOMP_ALLOWED:
            self.fail("seccomp", join_key(at, "seccompProfile.type"),
                      f"{who} sets seccomp {seccomp}; use RuntimeDefault.")
        selinux = _mapping(context.get("seLinuxOptions"))
        if selinux.get("type", "") not in SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
            self.fail("selinux", join_key(at, "seLinuxOptions"),
                      f"{who} sets a custom SELinux user, role or type; remove seLinuxOptions "
                      "or keep only the level.")
        if _mapping(context.get("appArmorProfile")).get("type") == "Unconfined":
            self.fail("apparmor", join_key(at, "appArmorProfile.type"),
                      f"{who} runs without AppArmor; remove `appArmorProfile` or use RuntimeDefault.")
        if _mapping(context.get("windowsOptions")).get("hostProcess") is True:
            self.fail("host-process", join_key(at, "windowsOptions.hostProcess"),
                      f"{who} asks for a Windows host process; remove it.")

    def container(self, container: Container) -> None:
        ctx = _mapping(container.body.get("securityContext"))
        at = container.at("securityContext")
        who = f"container `{container.name}`"
        if ctx.get("privileged") is True:
            self.fail("privileged", join_key(at, "privileged"),
                      f"{who} runs privileged; remove `privileged: true`.")
        if ctx.get("allowPrivilegeEscalation") is not False:
            self.fail("privilege-escalation", join_key(at, "allowPrivilegeEscalation"),
                      f"{who} must set `allowPrivilegeEscalation: false`.")
        self.run_as_non_root(ctx, at, who)
        if ctx.get("runAsUser") == 0:
            self.fail("run-as-user", join_key(at, "runAsUser"),
                      f"{who} runs as user 0 (root); set a non-zero `runAsUser`.")
        self.capabilities(_mapping(ctx.get("capabilities")), join_key(at, "capabilities"), who)
        if ctx.get("seccompProfile") is None and self.context.get("seccompProfile") is None:
            self.fail("seccomp", join_key(at, "seccompProfile"),
                      f"{who} has no seccomp profile; set `seccompProfile: {{type: RuntimeDefault}}` "
                      "in the pod's securityContext.")
        if ctx.get("procMount") not in (None, "Default"):
            self.fail("proc-mount", join_key(at, "procMount"),
                      f"{who} unmasks /proc; remove `procMount`.")
        self.common_context(ctx, at, who)
        for index, port in enumerate(container.body.get("ports") or []):
            if _mapping(port).get("hostPort"):
                self.fail("host-ports", container.at("ports", index, "hostPort"),
                          f"{who} binds a port of the node; remove `hostPort` and use a Service.")

    def run_as_non_root(self, ctx: Mapping[str, Any], at: str, who: str) -> None:
        own = ctx.get("runAsNonRoot")
        if own is True or (own is None and self.context.get("runAsNonRoot") is True):
            return
        self.fail("run-as-non-root", join_key(at, "runAsNonRoot"),
                  f"{who} may run as root; set `runAsNonRoot: true` in the pod's securityContext "
                  "and use an image with a non-root user.")

    def capabilities(self, caps: Mapping[str, Any], at: str, who: str) -> None:
        if "ALL" not in (caps.get("drop") or []):
            self.fail("capabilities", join_key(at, "drop"),
                      f"{who} must drop all capabilities: `capabilities: {{drop: [ALL]}}`.")
        added = [c for c in caps.get("add") or [] if c != "NET_BIND_SERVICE"]
        if added:
            self.fail("capabilities", join_key(at, "add"),
                      f"{who} adds {', '.join(map(str, added))}; only NET_BIND_SERVICE may be added.")
