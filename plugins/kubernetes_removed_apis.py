"""API versions that Kubernetes removed, and what to use instead.

From the Kubernetes deprecated API migration guide. The schemas alone can only
say that an apiVersion is unknown; this table says since when and what
replaces it, which is what an author needs to fix the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemovedApi:
    api_version: str
    kind: str
    removed_in: str  # the first minor version that no longer serves it
    replacement: str  # apiVersion to use, or advice when there is none

    def message(self) -> str:
        advice = self.replacement if " " in self.replacement else f"use {self.replacement}"
        return (f"{self.api_version} {self.kind} was removed in Kubernetes {self.removed_in}; "
                f"{advice}.")


def _table(removed_in: str, replacement: str, api_versions: tuple[str, ...],
           kinds: tuple[str, ...]) -> list[RemovedApi]:
    return [RemovedApi(api, kind, removed_in, replacement) for api in api_versions for kind in kinds]


_REMOVED: list[RemovedApi] = [
    *_table("1.16", "apps/v1", ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"),
            ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet")),
    *_table("1.16", "networking.k8s.io/v1", ("extensions/v1beta1",), ("NetworkPolicy",)),
    *_table("1.22", "networking.k8s.io/v1", ("extensions/v1beta1", "networking.k8s.io/v1beta1"),
            ("Ingress",)),
    *_table("1.22", "networking.k8s.io/v1", ("networking.k8s.io/v1beta1",), ("IngressClass",)),
    *_table("1.22", "apiextensions.k8s.io/v1", ("apiextensions.k8s.io/v1beta1",),
            ("CustomResourceDefinition",)),
    *_table("1.22", "admissionregistration.k8s.io/v1", ("admissionregistration.k8s.io/v1beta1",),
            ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")),
    *_table("1.22", "apiregistration.k8s.io/v1", ("apiregistration.k8s.io/v1beta1",), ("APIService",)),
    *_table("1.22", "rbac.authorization.k8s.io/v1", ("rbac.authorization.k8s.io/v1beta1",),
            ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")),
    *_table("1.22", "scheduling.k8s.io/v1", ("scheduling.k8s.io/v1beta1",), ("PriorityClass",)),
    *_table("1.22", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",),
            ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment")),
    *_table("1.22", "coordination.k8s.io/v1", ("coordination.k8s.io/v1beta1",), ("Lease",)),
    *_table("1.22", "certificates.k8s.io/v1", ("certificates.k8s.io/v1beta1",),
            ("CertificateSigningRequest",)),
    *_table("1.25", "batch/v1", ("batch/v1beta1",), ("CronJob",)),
    *_table("1.25", "discovery.k8s.io/v1", ("discovery.k8s.io/v1beta1",), ("EndpointSlice",)),
    *_table("1.25", "events.k8s.io/v1", ("events.k8s.io/v1beta1",), ("Event",)),
    *_table("1.25", "autoscaling/v2", ("autoscaling/v2beta1",), ("HorizontalPodAutoscaler",)),
    *_table("1.25", "policy/v1", ("policy/v1beta1",), ("PodDisruptionBudget",)),
    *_table("1.25", "remove it and rely on the platform's Pod Security admission",
            ("policy/v1beta1", "extensions/v1beta1"), ("PodSecurityPolicy",)),
    *_table("1.25", "node.k8s.io/v1", ("node.k8s.io/v1beta1",), ("RuntimeClass",)),
    *_table("1.26", "autoscaling/v2", ("autoscaling/v2beta2",), ("HorizontalPodAutoscaler",)),
    *_table("1.26", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta1",),
            ("FlowSchema", "PriorityLevelConfiguration")),
    *_table("1.27", "storage.k8s.io/v1", ("storage.k8s.io/v1beta1",), ("CSIStorageCapacity",)),
    *_table("1.29", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta2",),
            ("FlowSchema", "PriorityLevelConfiguration")),
    *_table("1.32", "flowcontrol.apiserver.k8s.io/v1", ("flowcontrol.apiserver.k8s.io/v1beta3",),
            ("FlowSchema", "PriorityLevelConfiguration")),
]
REMOVED: dict[tuple[str, str], RemovedApi] = {(r.api_version, r.kind): r for r in _REMOVED}


def removal(api_version: str, kind: str, version: str) -> RemovedApi | None:
    """The removal that makes ``kind`` of ``api_version`` unavailable in ``version``."""
    found = REMOVED.get((api_version, kind))
    if found is None:
        return None
    removed = tuple(int(p) for p in found.removed_in.split("."))
    return found if tuple(int(p) for p in version.split(".")[:2]) >= removed else None
