"""Built-in API versions that Kubernetes deprecated or removed, and what replaces them.

The schemas of a Kubernetes version only know what it serves, so on their own
they cannot tell a removed built-in API (``extensions/v1beta1`` Deployment)
from a custom resource. This table can: it holds every deprecation and removal
of Kubernetes 1.x that the Kubernetes deprecated API migration guide and
Fairwinds' pluto (``versions.yaml``) list, with the release that deprecated it,
the release that stopped serving it and its replacement. It is consulted for
every version of a profile, including versions older than the bundled schemas.

Where pluto and the migration guide disagree, the guide (what the API server
does) wins: ``flowcontrol.apiserver.k8s.io/v1beta1`` stopped being served in 1.26.
"""

from __future__ import annotations

from dataclasses import dataclass

from plugins.kubernetes_versions import minor


@dataclass(frozen=True)
class ApiLifecycle:
    """When one (apiVersion, kind) was deprecated and removed, and what to use instead."""

    api_version: str
    kind: str
    deprecated_in: str | None  # first minor that warns about it; None: never deprecated first
    removed_in: str | None  # first minor that no longer serves it; None: still served
    replacement: str | None  # apiVersion to use; None when nothing replaces it
    advice: str = ""  # what to do when there is no replacement

    def removed(self, version: str) -> bool:
        return self.removed_in is not None and minor(version) >= minor(self.removed_in)

    def deprecated(self, version: str) -> bool:
        """Deprecated but still served in ``version``."""
        return (self.deprecated_in is not None and minor(version) >= minor(self.deprecated_in)
                and not self.removed(version))

    def fix(self) -> str:
        return f"use {self.replacement}" if self.replacement else self.advice or "remove it"

    def removal_message(self) -> str:
        return f"{self.api_version} {self.kind} was removed in Kubernetes {self.removed_in}; {self.fix()}."

    def deprecation_message(self) -> str:
        until = f" and is removed in {self.removed_in}" if self.removed_in else ""
        return (f"{self.api_version} {self.kind} is deprecated since Kubernetes {self.deprecated_in}"
                f"{until}; {self.fix()}.")


def _rows(deprecated: str | None, removed: str | None, replacement: str | None,
          api_versions: tuple[str, ...], kinds: tuple[str, ...], advice: str = "") -> list[ApiLifecycle]:
    return [ApiLifecycle(api, kind, deprecated, removed, replacement, advice)
            for api in api_versions for kind in kinds]


_NO_PSP = "remove it: Pod Security admission replaces PodSecurityPolicy"
_RBAC_KINDS = ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ClusterRoleList",
               "ClusterRoleBindingList", "RoleList", "RoleBindingList")
_AUDIT_KINDS = ("Policy", "PolicyList", "Event", "EventList")
_DRA_KINDS = ("ResourceSlice", "ResourceClaim", "DeviceClass", "ResourceClaimTemplate")
_FLOW_KINDS = ("FlowSchema", "PriorityLevelConfiguration")

_TABLE: list[ApiLifecycle] = [
    # Kubernetes 1.16
    *_rows("1.9", "1.16", "apps/v1", ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
           ("Deployment",)),
    *_rows("1.9", "1.16", "apps/v1", ("apps/v1beta1", "apps/v1beta2"), ("StatefulSet",)),
    *_rows("1.9", "1.16", "apps/v1", ("extensions/v1beta1", "apps/v1beta2"), ("DaemonSet",)),
    *_rows(None, "1.16", "apps/v1", ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
           ("ReplicaSet",)),
    *_rows(None, "1.16", "apps/v1", ("apps/v1beta1", "apps/v1beta2"), ("ControllerRevision",)),
    *_rows("1.9", "1.16", "networking.k8s.io/v1", ("extensions/v1beta1",), ("NetworkPolicy",)),
    *_rows("1.10", "1.16", None, ("extensions/v1beta1",), ("PodSecurityPolicy",), _NO_PSP),
    # Kubernetes 1.17 to 1.21: alpha versions
    *_rows("1.14", "1.17", "scheduling.k8s.io/v1", ("scheduling.k8s.io/v1alpha1",), ("PriorityClass",)),
    *_rows(None, "1.20", None, ("settings.k8s.io/v1alpha1",), ("PodPreset",),
           "remove it: PodPreset was removed without a replacement; set the values in the pod template"),
    *_rows(None, "1.21", "batch/v1", ("batch/v2alpha1",), ("CronJob",)),
    # Kubernetes 1.22
    *_rows("1.14", "1.22", "networking.k8s.io/v1", ("extensions/v1beta1",), ("Ingress",)),
    *_rows("1.19", "1.22", "networking.k8s.io/v1", ("networking.k8s.io/v1beta1",),
           ("Ingress", "IngressClass")),
    *_rows("1.14", "1.22", "scheduling.k8s.io/v1", ("scheduling.k8s.io/v1beta1",), ("PriorityClass",)),
    *_rows("1.16", "1.22", "apiextensions.k8s.io/v1", ("apiextensions.k8s.io/v1beta1",),
           ("CustomResourceDefinition",)),
    *_rows("1.16", "1.22", "admissionregistration.k8s.io/v1", ("admissionregistration.k8s.io/v1beta1",),
           ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")),
    *_rows("1.17", "1.22", "rbac.authorization.k8s.io/v1",
           ("rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1beta1"), _RBAC_KINDS),
    *_rows("1.17", "1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("CSINode",)),
    *_rows("1.19", "1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("CSIDriver",)),
    *_rows("1.6", "1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("StorageClass",)),
    *_rows("1.13", "1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("VolumeAttachment",)),
    *_rows("1.10", "1.22", "apiregistration.k8s.io/v1", ("apiregistration.k8s.io/v1beta1",),
           ("APIService",)),
    *_rows("1.6", "1.22", "authentication.k8s.io/v1", ("authentication.k8s.io/v1beta1",), ("TokenReview",)),
    *_rows("1.6", "1.22", "authorization.k8s.io/v1", ("authorization.k8s.io/v1beta1",),
           ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview",
            "SelfSubjectRulesReview")),
    *_rows("1.19", "1.22", "certificates.k8s.io/v1", ("certificates.k8s.io/v1beta1",),
           ("CertificateSigningRequest",)),
    *_rows("1.14", "1.22", "coordination.k8s.io/v1", ("coordination.k8s.io/v1beta1",), ("Lease",)),
    # Kubernetes 1.24 and 1.25
    *_rows("1.21", "1.24", "audit.k8s.io/v1", ("audit.k8s.io/v1alpha1", "audit.k8s.io/v1beta1"),
           _AUDIT_KINDS),
    *_rows("1.21", "1.25", "batch/v1", ("batch/v1beta1",), ("CronJob", "CronJobList")),
    *_rows("1.21", "1.25", "discovery.k8s.io/v1", ("discovery.k8s.io/v1beta1",), ("EndpointSlice",)),
    *_rows("1.19", "1.25", "events.k8s.io/v1", ("events.k8s.io/v1beta1",), ("Event",)),
    *_rows("1.22", "1.25", "autoscaling/v2", ("autoscaling/v2beta1",),
           ("HorizontalPodAutoscaler", "HorizontalPodAutoscalerList")),
    *_rows("1.21", "1.25", "policy/v1", ("policy/v1beta1",),
           ("PodDisruptionBudget", "PodDisruptionBudgetList")),
    *_rows("1.21", "1.25", None, ("policy/v1beta1",), ("PodSecurityPolicy",), _NO_PSP),
    *_rows("1.22", "1.25", "node.k8s.io/v1", ("node.k8s.io/v1beta1",), ("RuntimeClass",)),
    # Kubernetes 1.26 to 1.29
    *_rows("1.23", "1.26", "autoscaling/v2", ("autoscaling/v2beta2",),
           ("HorizontalPodAutoscaler", "HorizontalPodAutoscalerList")),
    *_rows("1.23", "1.26", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta1",),
           _FLOW_KINDS),
    *_rows("1.24", "1.27", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("CSIStorageCapacity",)),
    *_rows("1.24", "1.29", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta2",),
           _FLOW_KINDS),
    # Kubernetes 1.32 and later
    *_rows("1.24", "1.32", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta3",),
           ("FlowSchema",)),
    *_rows("1.31", "1.32", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta3",),
           ("PriorityLevelConfiguration",)),
    *_rows("1.28", "1.33", "admissionregistration.k8s.io/v1", ("admissionregistration.k8s.io/v1alpha1",),
           ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")),
    *_rows("1.32", "1.34", "resource.k8s.io/v1", ("resource.k8s.io/v1alpha3",), _DRA_KINDS),
    *_rows("1.33", "1.36", "resource.k8s.io/v1", ("resource.k8s.io/v1beta1",), _DRA_KINDS),
    *_rows("1.31", "1.35", "storage.k8s.io/v1", ("storage.k8s.io/v1alpha1",), ("VolumeAttributesClass",)),
    *_rows("1.34", None, "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("VolumeAttributesClass",)),
    *_rows("1.35", "1.35", "storagemigration.k8s.io/v1beta1", ("storagemigration.k8s.io/v1alpha1",),
           ("StorageVersionMigration",)),
]
LIFECYCLES: dict[tuple[str, str], ApiLifecycle] = {(r.api_version, r.kind): r for r in _TABLE}
#: API groups that are (or were) built into Kubernetes, whether or not the
#: bundled schemas still serve them: never mistaken for custom resources.
BUILTIN_GROUPS: frozenset[str] = frozenset(r.api_version.rpartition("/")[0] for r in _TABLE)


def lifecycle(api_version: str, kind: str) -> ApiLifecycle | None:
    """The deprecation and removal of ``kind`` in ``api_version``, if it has one."""
    return LIFECYCLES.get((api_version, kind))


def removal(api_version: str, kind: str, version: str) -> ApiLifecycle | None:
    """The entry that makes ``kind`` of ``api_version`` unavailable in ``version``."""
    found = LIFECYCLES.get((api_version, kind))
    return found if found is not None and found.removed(version) else None
