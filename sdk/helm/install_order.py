"""Rendered chart documents in the order Helm installs them.

Helm applies a release's objects sorted by kind (namespaces and policies
first, then accounts, secrets and config, storage, RBAC, services, workloads,
then ingresses and webhooks), keeping the template order within a kind; hooks
run around that (``pre-install`` before, ``post-install`` after, by weight), and
test hooks are left out (``helm test`` runs them, not an install).
A bundle keeps that order so that ``kubectl apply`` of its files in sequence
does what ``helm install`` would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sdk.helm import RenderedManifest

#: Kinds in the order Helm's installer applies them; other kinds come after these.
KIND_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
    "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
    "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
    "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)
_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
HOOK_ANNOTATION = "helm.sh/hook"
HOOK_WEIGHT = "helm.sh/hook-weight"
TEST_HOOKS = frozenset({"test", "test-success"})


@dataclass(frozen=True)
class Document:
    """One object of a rendered chart, as Helm wrote it, and the template it came from."""

    template_path: str
    text: str
    kind: str
    phase: int  # 0 pre-install hooks, 1 the release, 2 post-install hooks, -1 test hooks (left out)
    weight: int


def split_documents(text: str) -> list[str]:
    """The YAML documents of ``text``, split on ``---`` lines; comment-only ones dropped."""
    documents: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if line.rstrip() == "---" or line.startswith("--- "):
            documents.append([])
        else:
            documents[-1].append(line)
    return ["".join(lines) for lines in documents if any(_content(line) for line in lines)]


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def install_order(manifests: Iterable[RenderedManifest]) -> list[Document]:
    """Every document of ``manifests`` in install order (a stable sort)."""
    documents = []
    for manifest in manifests:
        for text in split_documents(manifest.text):
            body = _load(text)
            document = _document(manifest.template_path, text, body)
            if document.phase >= 0:
                documents.append(document)
    return sorted(documents, key=lambda d: (d.phase, d.weight if d.phase != 1 else 0,
                                            _RANK.get(d.kind, len(KIND_ORDER))))


def _load(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None  # verification has reported it; keep the document in place


def _annotations(body: Any) -> dict[str, Any]:
    meta = body.get("metadata") if isinstance(body, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    return annotations if isinstance(annotations, dict) else {}


def _hooks(annotations: Mapping[str, Any]) -> set[str]:
    return {h.strip() for h in str(annotations.get(HOOK_ANNOTATION) or "").split(",") if h.strip()}


def is_test_hook(body: Any) -> bool:
    """An object only ``helm test`` creates: never installed, so never verified."""
    hooks = _hooks(_annotations(body))
    return bool(hooks) and hooks <= TEST_HOOKS


def _document(path: str, text: str, body: Any) -> Document:
    kind = str(body.get("kind") or "") if isinstance(body, dict) else ""
    annotations = _annotations(body)
    hooks = _hooks(annotations)
    if hooks and hooks <= TEST_HOOKS:
        phase = -1  # `helm test` runs these, never an install
    else:
        phase = 0 if "pre-install" in hooks else 2 if "post-install" in hooks else 1
    try:
        weight = int(str(annotations.get(HOOK_WEIGHT, "0")))
    except ValueError:
        weight = 0
    return Document(path, text, kind, phase, weight)
