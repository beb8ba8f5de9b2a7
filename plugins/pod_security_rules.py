"""The Pod Security Standards as Pod Security admission enforces them, per policy version.

A table of checks, each with its level (baseline or restricted) and the forms
it took over time: a form applies from its policy version until the next form
replaces it. Admission evaluates a namespace's level at the cluster's own minor
version (``enforce-version: latest``), so a rule can fail on 1.34 and pass on
1.32 (probe hosts) or the other way round (sysctls that became safe). Some
restricted checks take the place of a weaker baseline check ("overrides").
The rules follow the ``policy/check_*.go`` files of Kubernetes'
pod-security-admission module; the code is our own.

Pure rules: no plugin, no findings. :mod:`plugins.kubernetes_pod_security`
turns violations into findings for each version a profile runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from plugins.kubernetes_objects import Container, KubeObject, containers, pod_spec
from sdk.findings import join_key

Version = tuple[int, int]
LEVELS = ("privileged", "baseline", "restricted")

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
#: Inline volume sources the restricted level allows.
RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                                "persistentVolumeClaim", "projected", "secret"})
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Violation:
    """One field of a pod that a check refuses, with the values behind the words."""

    code: str  # "pod-security.privileged"
    field: str  # field path inside the object
    text: str  # what to do, without the object's name
    check: str  # the upstream check id, "privileged"
    # What the pod says and what the check wants; not part of a violation's identity.
    actual: Any = field(default=None, compare=False)
    expected: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class PodTemplate:
    """A pod as admission sees it: its spec, metadata annotations and containers."""

    field: str  # "spec.template.spec"
    spec: Mapping[str, Any]
    annotations: Mapping[str, Any]
    annotations_field: str
    containers: tuple[Container, ...] = field(default=())

    @classmethod
    def of(cls, obj: KubeObject) -> PodTemplate | None:
        found = pod_spec(obj)
        if found is None:
            return None
        spec_field, spec = found
        meta_field = spec_field[: -len("spec")] + "metadata"
        node: Any = obj.body
        for part in meta_field.split("."):
            node = _mapping(node).get(part)
        annotations = _mapping(_mapping(node).get("annotations"))
        return cls(spec_field, spec, annotations, f"{meta_field}.annotations",
                   tuple(containers(spec_field, spec)))

    @property
    def context(self) -> Mapping[str, Any]:
        return _mapping(self.spec.get("securityContext"))

    @property
    def context_field(self) -> str:
        return join_key(self.field, "securityContext")

    @property
    def windows(self) -> bool:
        return _mapping(self.spec.get("os")).get("name") == "windows"

    @property
    def user_namespace(self) -> bool:
        """``hostUsers: false``: the pod runs in its own user namespace."""
        return self.spec.get("hostUsers") is False


def _context(container: Container) -> Mapping[str, Any]:
    return _mapping(container.body.get("securityContext"))


def _who(container: Container) -> str:
    return f"container `{container.name}`"


Rule = Callable[[PodTemplate], Iterator[Violation]]


@dataclass(frozen=True)
class Form:
    """A check as it reads from policy version ``since`` on."""

    since: Version
    rule: Rule
    overrides: tuple[str, ...] = ()  # baseline checks it takes the place of


@dataclass(frozen=True)
class Check:
    id: str
    level: str  # "baseline" or "restricted"
    forms: tuple[Form, ...]  # oldest first

    def form_at(self, version: Version) -> Form | None:
        current = None
        for form in self.forms:
            if form.since <= version:
                current = form
        return current


# Baseline ------------------------------------------------------------------

def host_namespaces(pod: PodTemplate) -> Iterator[Violation]:
    for name in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.spec.get(name) is True:
            yield Violation("pod-security.host-namespaces", join_key(pod.field, name),
                            f"`{name}: true` shares the node's namespaces; remove it.",
                            "hostNamespaces", True, False)


def privileged(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        if _context(c).get("privileged") is True:
            yield Violation("pod-security.privileged", c.at("securityContext", "privileged"),
                            f"{_who(c)} runs privileged; remove `privileged: true`.",
                            "privileged", True, False)


def capabilities_baseline(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        added = [str(a) for a in _mapping(_context(c).get("capabilities")).get("add") or []
                 if a not in DEFAULT_CAPABILITIES]
        if added:
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "add"),
                            f"{_who(c)} adds {', '.join(added)}; add only capabilities of the "
                            "default set.", "capabilities_baseline", added, sorted(DEFAULT_CAPABILITIES))


def host_path_volumes(pod: PodTemplate) -> Iterator[Violation]:
    for index, volume in _volumes(pod):
        if volume.get("hostPath") is not None:
            yield _host_path(pod, index, volume, "hostPathVolumes")


def _volumes(pod: PodTemplate) -> Iterator[tuple[int, Mapping[str, Any]]]:
    volumes = pod.spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, dict):
            yield index, volume


def _host_path(pod: PodTemplate, index: int, volume: Mapping[str, Any], check: str) -> Violation:
    return Violation("pod-security.host-path", join_key(pod.field, f"volumes[{index}].hostPath"),
                     f"volume `{volume.get('name')}` mounts a path of the node; use a "
                     "persistentVolumeClaim or emptyDir instead.", check, "hostPath", None)


def host_ports(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        ports = c.body.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            value = _mapping(port).get("hostPort")
            if value not in (None, 0):
                yield Violation("pod-security.host-ports", c.at("ports", index, "hostPort"),
                                f"{_who(c)} binds port {value} of the node; remove `hostPort` and "
                                "use a Service.", "hostPorts", value, 0)


def app_armor(pod: PodTemplate) -> Iterator[Violation]:
    setters = [(pod.context, pod.context_field, "the pod")]
    setters += [(_context(c), c.at("securityContext"), _who(c)) for c in pod.containers]
    for context, at, who in setters:
        profile = context.get("appArmorProfile")
        if isinstance(profile, dict) and profile.get("type") not in APPARMOR_TYPES:
            yield Violation("pod-security.apparmor", join_key(at, "appArmorProfile.type"),
                            f"{who} sets AppArmor profile type {profile.get('type') or '(empty)'}; "
                            "use RuntimeDefault or Localhost, or leave it unset.",
                            "appArmorProfile", profile.get("type"), list(APPARMOR_TYPES))
    for name, value in sorted(pod.annotations.items(), key=lambda item: str(item[0])):
        if str(name).startswith(APPARMOR_ANNOTATION) and not _allowed_apparmor_annotation(value):
            yield Violation("pod-security.apparmor", join_key(pod.annotations_field, str(name)),
                            f"annotation {name} sets AppArmor profile {value}; use runtime/default "
                            "or localhost/<profile>, or remove it.", "appArmorProfile", value,
                            ["runtime/default", "localhost/*"])


def _allowed_apparmor_annotation(value: Any) -> bool:
    text = "" if value is None else str(value)
    return text in ("", "runtime/default") or text.startswith("localhost/")


def _selinux(allowed: frozenset[str]) -> Rule:
    def rule(pod: PodTemplate) -> Iterator[Violation]:
        setters = [(pod.context, pod.context_field, "the pod")]
        setters += [(_context(c), c.at("securityContext"), _who(c)) for c in pod.containers]
        for context, at, who in setters:
            options = context.get("seLinuxOptions")
            if not isinstance(options, dict):
                continue
            kind = options.get("type") or ""
            if kind not in allowed or options.get("user") or options.get("role"):
                yield Violation("pod-security.selinux", join_key(at, "seLinuxOptions"),
                                f"{who} sets a custom SELinux user, role or type ({kind or 'no type'}); "
                                "keep only `level` and a container type such as container_t.",
                                "seLinuxOptions", dict(options), sorted(allowed - {""}))
    return rule


def proc_mount(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        value = _context(c).get("procMount")
        if value is not None and value != "Default":
            yield Violation("pod-security.proc-mount", c.at("securityContext", "procMount"),
                            f"{_who(c)} sets procMount {value}, which unmasks /proc; remove it.",
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


def _seccomp_setters(pod: PodTemplate) -> Iterator[tuple[Mapping[str, Any], str, str, Container | None]]:
    yield pod.context, pod.context_field, "the pod", None
    for c in pod.containers:
        yield _context(c), c.at("securityContext"), _who(c), c


def _bad_seccomp(context: Mapping[str, Any], at: str, who: str, check: str) -> Violation | None:
    profile = context.get("seccompProfile")
    if profile is None:
        return None
    kind = _mapping(profile).get("type")
    if kind in SECCOMP_TYPES:
        return None
    return Violation("pod-security.seccomp", join_key(at, "seccompProfile.type"),
                     f"{who} sets seccomp profile {kind or '(empty)'}; use RuntimeDefault or Localhost.",
                     check, kind, list(SECCOMP_TYPES))


def seccomp_baseline(pod: PodTemplate) -> Iterator[Violation]:
    for context, at, who, _ in _seccomp_setters(pod):
        bad = _bad_seccomp(context, at, who, "seccompProfile_baseline")
        if bad is not None:
            yield bad


def _sysctls(version: Version) -> Rule:
    def rule(pod: PodTemplate) -> Iterator[Violation]:
        sysctls = pod.context.get("sysctls")
        for index, sysctl in enumerate(sysctls if isinstance(sysctls, list) else []):
            name = _mapping(sysctl).get("name")
            since = SAFE_SYSCTLS_SINCE.get(name) if isinstance(name, str) else None
            if since is not None and since <= version:
                continue
            later = f" (safe from Kubernetes {since[0]}.{since[1]} on)" if since else ""
            yield Violation("pod-security.sysctls", join_key(pod.context_field, f"sysctls[{index}]"),
                            f"sysctl {name} is not in the safe set of Pod Security{later}; remove it.",
                            "sysctls", name, sorted(n for n, v in SAFE_SYSCTLS_SINCE.items() if v <= version))
    return rule


def windows_host_process(pod: PodTemplate) -> Iterator[Violation]:
    setters = [(pod.context, pod.context_field, "the pod")]
    setters += [(_context(c), c.at("securityContext"), _who(c)) for c in pod.containers]
    for context, at, who in setters:
        if _mapping(context.get("windowsOptions")).get("hostProcess") is True:
            yield Violation("pod-security.host-process", join_key(at, "windowsOptions.hostProcess"),
                            f"{who} asks for a Windows host process; remove `hostProcess: true`.",
                            "windowsHostProcess", True, False)


def host_probes(pod: PodTemplate) -> Iterator[Violation]:
    """From 1.34 probes and lifecycle handlers may not name another host."""
    for c in pod.containers:
        places = [(probe, _mapping(c.body.get(probe)))
                  for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
        lifecycle = _mapping(c.body.get("lifecycle"))
        places += [(f"lifecycle.{hook}", _mapping(lifecycle.get(hook))) for hook in ("postStart", "preStop")]
        for place, handler in places:
            for action in ("httpGet", "tcpSocket"):
                host = _mapping(handler.get(action)).get("host")
                if host:
                    yield Violation("pod-security.host-probes", c.at(f"{place}.{action}.host"),
                                    f"{_who(c)} sends its {place} to host {host}; remove `host` so the "
                                    "pod's own address is used.", "hostProbesAndHostLifecycle", host, "")


# Restricted ----------------------------------------------------------------

def restricted_volumes(pod: PodTemplate) -> Iterator[Violation]:
    for index, volume in _volumes(pod):
        sources = [k for k, v in volume.items() if k != "name" and v is not None]
        # A volume without a source is defaulted to emptyDir by the API server.
        for source in sorted(sources):
            if source == "hostPath":
                yield _host_path(pod, index, volume, "restrictedVolumes")
            elif source not in RESTRICTED_VOLUMES:
                yield Violation("pod-security.volume-types",
                                join_key(pod.field, f"volumes[{index}].{source}"),
                                f"volume `{volume.get('name')}` is of type {source}, which the restricted "
                                f"level forbids; use one of {', '.join(sorted(RESTRICTED_VOLUMES))}.",
                                "restrictedVolumes", source, sorted(RESTRICTED_VOLUMES))


def allow_privilege_escalation(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        value = _context(c).get("allowPrivilegeEscalation")
        if value is not False:
            yield Violation("pod-security.privilege-escalation",
                            c.at("securityContext", "allowPrivilegeEscalation"),
                            f"{_who(c)} must set `allowPrivilegeEscalation: false`.",
                            "allowPrivilegeEscalation", value, False)


def run_as_non_root(pod: PodTemplate) -> Iterator[Violation]:
    own = pod.context.get("runAsNonRoot")
    if own is False:
        yield Violation("pod-security.run-as-non-root", join_key(pod.context_field, "runAsNonRoot"),
                        "the pod sets `runAsNonRoot: false`; set it to true.", "runAsNonRoot", False, True)
    for c in pod.containers:
        value = _context(c).get("runAsNonRoot")
        if value is False or (value is None and own is not True):
            yield Violation("pod-security.run-as-non-root", c.at("securityContext", "runAsNonRoot"),
                            f"{_who(c)} may run as root; set `runAsNonRoot: true` in the pod's "
                            "securityContext and use an image with a non-root user.",
                            "runAsNonRoot", value, True)


def run_as_user(pod: PodTemplate) -> Iterator[Violation]:
    setters = [(pod.context, pod.context_field, "the pod")]
    setters += [(_context(c), c.at("securityContext"), _who(c)) for c in pod.containers]
    for context, at, who in setters:
        value = context.get("runAsUser")
        if type(value) is int and value == 0:
            yield Violation("pod-security.run-as-user", join_key(at, "runAsUser"),
                            f"{who} runs as user 0 (root); set a non-zero `runAsUser` or leave it "
                            "to the image.", "runAsUser", 0, "non-zero")


def seccomp_restricted(pod: PodTemplate) -> Iterator[Violation]:
    pod_bad = _bad_seccomp(pod.context, pod.context_field, "the pod", "seccompProfile_restricted")
    pod_set = pod.context.get("seccompProfile") is not None and pod_bad is None
    if pod_bad is not None:
        yield pod_bad
    for c in pod.containers:
        context = _context(c)
        if context.get("seccompProfile") is not None:
            bad = _bad_seccomp(context, c.at("securityContext"), _who(c), "seccompProfile_restricted")
            if bad is not None:
                yield bad
        elif not pod_set:
            yield Violation("pod-security.seccomp", c.at("securityContext", "seccompProfile"),
                            f"{_who(c)} has no seccomp profile; set `seccompProfile: {{type: "
                            "RuntimeDefault}` in the pod's securityContext.",
                            "seccompProfile_restricted", None, list(SECCOMP_TYPES))


def capabilities_restricted(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        caps = _mapping(_context(c).get("capabilities"))
        drop = caps.get("drop")
        if "ALL" not in (drop if isinstance(drop, list) else []):
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "drop"),
                            f"{_who(c)} must drop all capabilities: `capabilities: {{drop: [ALL]}}`.",
                            "capabilities_restricted", drop, ["ALL"])
        add = caps.get("add")
        added = [str(a) for a in (add if isinstance(add, list) else []) if a != "NET_BIND_SERVICE"]
        if added:
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "add"),
                            f"{_who(c)} adds {', '.join(added)}; only NET_BIND_SERVICE may be added.",
                            "capabilities_restricted", added, ["NET_BIND_SERVICE"])


def _unless_windows(rule: Rule) -> Rule:
    """From 1.25 Windows pods (``spec.os.name: windows``) are exempt: the API refuses these fields."""
    def exempted(pod: PodTemplate) -> Iterator[Violation]:
        return iter(()) if pod.windows else rule(pod)
    return exempted


def _unless_user_namespace(rule: Rule) -> Rule:
    """From 1.35 pods in a user namespace (``hostUsers: false``) may run as uid 0 inside it."""
    def relaxed(pod: PodTemplate) -> Iterator[Violation]:
        return iter(()) if pod.user_namespace else rule(pod)
    return relaxed


BASELINE, RESTRICTED = "baseline", "restricted"
CHECKS: tuple[Check, ...] = (
    Check("hostNamespaces", BASELINE, (Form((1, 0), host_namespaces),)),
    Check("privileged", BASELINE, (Form((1, 0), privileged),)),
    Check("capabilities_baseline", BASELINE, (Form((1, 0), capabilities_baseline),)),
    Check("hostPathVolumes", BASELINE, (Form((1, 0), host_path_volumes),)),
    Check("hostPorts", BASELINE, (Form((1, 0), host_ports),)),
    Check("appArmorProfile", BASELINE, (Form((1, 0), app_armor),)),
    Check("seLinuxOptions", BASELINE, (Form((1, 0), _selinux(SELINUX_TYPES_1_0)),
                                       Form((1, 31), _selinux(SELINUX_TYPES_1_31)))),
    Check("procMount", BASELINE, (Form((1, 0), proc_mount), Form((1, 35), proc_mount_1_35))),
    Check("seccompProfile_baseline", BASELINE, (Form((1, 0), seccomp_annotations),
                                                Form((1, 19), seccomp_baseline))),
    Check("sysctls", BASELINE, tuple(Form(v, _sysctls(v))
                                     for v in ((1, 0), (1, 27), (1, 29), (1, 32), (1, 37)))),
    Check("windowsHostProcess", BASELINE, (Form((1, 0), windows_host_process),)),
    Check("hostProbesAndHostLifecycle", BASELINE, (Form((1, 34), host_probes),)),
    Check("restrictedVolumes", RESTRICTED, (Form((1, 0), restricted_volumes, ("hostPathVolumes",)),)),
    Check("allowPrivilegeEscalation", RESTRICTED, (
        Form((1, 8), allow_privilege_escalation),
        Form((1, 25), _unless_windows(allow_privilege_escalation)))),
    Check("runAsNonRoot", RESTRICTED, (Form((1, 0), run_as_non_root),
                                       Form((1, 35), _unless_user_namespace(run_as_non_root)))),
    Check("runAsUser", RESTRICTED, (Form((1, 23), run_as_user),
                                    Form((1, 35), _unless_user_namespace(run_as_user)))),
    Check("seccompProfile_restricted", RESTRICTED, (
        Form((1, 19), seccomp_restricted, ("seccompProfile_baseline",)),
        Form((1, 25), _unless_windows(seccomp_restricted), ("seccompProfile_baseline",)))),
    Check("capabilities_restricted", RESTRICTED, (
        Form((1, 22), capabilities_restricted, ("capabilities_baseline",)),
        Form((1, 25), _unless_windows(capabilities_restricted), ("capabilities_baseline",)))),
    Check("procMount_restricted", RESTRICTED, (Form((1, 35), proc_mount, ("procMount",)),)),
)
#: The newest policy version the table knows; newer clusters are judged by it.
LATEST: Version = max(form.since for check in CHECKS for form in check.forms)


def active_rules(level: str, version: Version) -> list[tuple[str, Rule]]:
    """(check id, rule) of every check that ``level`` enforces at policy ``version``."""
    if level not in (BASELINE, RESTRICTED):
        return []  # privileged: nothing is enforced
    version = min(version, LATEST)
    chosen = [(check, form) for check in CHECKS
              if check.level == BASELINE or level == RESTRICTED
              for form in [check.form_at(version)] if form is not None]
    overridden = {name for _, form in chosen for name in form.overrides}
    return [(check.id, form.rule) for check, form in chosen if check.id not in overridden]


def violations(pod: PodTemplate, level: str, version: Version) -> list[Violation]:
    """Everything Pod Security admission at ``level`` and ``version`` refuses in ``pod``."""
    # A rule shared by two checks (procMount) reports as the check that ran it.
    return [replace(v, check=check) for check, rule in active_rules(level, version) for v in rule(pod)]
