"""The rules that the restricted level of the Pod Security Standards adds to baseline.

After the ``policy/check_*.go`` files of Kubernetes' pod-security-admission
module (our own code); :mod:`plugins.pod_security_rules` dates them.
"""

from __future__ import annotations

from collections.abc import Iterator

from plugins.pod_security_baseline import SECCOMP_TYPES, bad_seccomp, host_path, volume_name, volumes
from plugins.pod_security_pod import PodTemplate, Violation, context_of, mapping, who
from sdk.findings import join_key

#: Inline volume sources the restricted level allows.
RESTRICTED_VOLUMES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                                "persistentVolumeClaim", "projected", "secret"})


def restricted_volumes(pod: PodTemplate) -> Iterator[Violation]:
    for index, volume in volumes(pod):
        sources = [k for k, v in volume.items() if k != "name" and v is not None]
        # A volume without a source is defaulted to emptyDir by the API server.
        for source in sorted(sources):
            if source == "hostPath":
                yield host_path(pod, index, volume, "restrictedVolumes")
            elif source not in RESTRICTED_VOLUMES:
                yield Violation("pod-security.volume-types",
                                join_key(pod.field, f"volumes[{index}].{source}"),
                                f"volume `{volume_name(volume)}` is of type {source}, which the restricted "
                                f"level forbids; use one of {', '.join(sorted(RESTRICTED_VOLUMES))}.",
                                "restrictedVolumes", source, sorted(RESTRICTED_VOLUMES))


def allow_privilege_escalation(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        value = context_of(c).get("allowPrivilegeEscalation")
        if value is not False:
            yield Violation("pod-security.privilege-escalation",
                            c.at("securityContext", "allowPrivilegeEscalation"),
                            f"{who(c)} must set `allowPrivilegeEscalation: false`.",
                            "allowPrivilegeEscalation", value, False)


def run_as_non_root(pod: PodTemplate) -> Iterator[Violation]:
    own = pod.context.get("runAsNonRoot")
    if own is False:
        yield Violation("pod-security.run-as-non-root", join_key(pod.context_field, "runAsNonRoot"),
                        "the pod sets `runAsNonRoot: false`; set it to true.", "runAsNonRoot", False, True)
    for c in pod.containers:
        value = context_of(c).get("runAsNonRoot")
        if value is False or (value is None and own is not True):
            yield Violation("pod-security.run-as-non-root", c.at("securityContext", "runAsNonRoot"),
                            f"{who(c)} may run as root; set `runAsNonRoot: true` in the pod's "
                            "securityContext and use an image with a non-root user.",
                            "runAsNonRoot", value, True)


def run_as_user(pod: PodTemplate) -> Iterator[Violation]:
    for context, at, setter in pod.contexts():
        value = context.get("runAsUser")
        if type(value) is int and value == 0:
            yield Violation("pod-security.run-as-user", join_key(at, "runAsUser"),
                            f"{setter} runs as user 0 (root); set a non-zero `runAsUser` or leave it "
                            "to the image.", "runAsUser", 0, "non-zero")


def seccomp_restricted(pod: PodTemplate) -> Iterator[Violation]:
    pod_bad = bad_seccomp(pod.context, pod.context_field, "the pod", "seccompProfile_restricted")
    pod_set = pod.context.get("seccompProfile") is not None and pod_bad is None
    if pod_bad is not None:
        yield pod_bad
    for c in pod.containers:
        context = context_of(c)
        if context.get("seccompProfile") is not None:
            bad = bad_seccomp(context, c.at("securityContext"), who(c), "seccompProfile_restricted")
            if bad is not None:
                yield bad
        elif not pod_set:
            yield Violation("pod-security.seccomp", c.at("securityContext", "seccompProfile"),
                            f"{who(c)} has no seccomp profile; set `seccompProfile: {{type: "
                            "RuntimeDefault}` in the pod's securityContext.",
                            "seccompProfile_restricted", None, list(SECCOMP_TYPES))


def capabilities_restricted(pod: PodTemplate) -> Iterator[Violation]:
    for c in pod.containers:
        caps = mapping(context_of(c).get("capabilities"))
        drop = caps.get("drop")
        if "ALL" not in (drop if isinstance(drop, list) else []):
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "drop"),
                            f"{who(c)} must drop all capabilities: `capabilities: {{drop: [ALL]}}`.",
                            "capabilities_restricted", drop, ["ALL"])
        add = caps.get("add")
        added = [str(a) for a in (add if isinstance(add, list) else []) if a != "NET_BIND_SERVICE"]
        if added:
            yield Violation("pod-security.capabilities", c.at("securityContext", "capabilities", "add"),
                            f"{who(c)} adds {', '.join(added)}; only NET_BIND_SERVICE may be added.",
                            "capabilities_restricted", added, ["NET_BIND_SERVICE"])
