"""Custom resources need the operator that acts on them.

A ``Certificate`` or a CloudNativePG ``Cluster`` does nothing unless its
operator runs in the cluster. Shipping the CustomResourceDefinition in the
package makes the API server accept the resource, not act on it: a stub CRD
must not turn "needs an operator" into "runs". So a resource of a known
operator's API group needs the profile to run that operator (``operators``),
or to declare the kind (``customResources``), or the package to run the
operator itself (its image in the package's own workloads). Resources whose
CRD the package does not ship are reported by the schema check, which names
the operator too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from plugins.kubernetes_images import own_images
from plugins.kubernetes_objects import KubeObject, deploy_of
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "operators"


@dataclass(frozen=True)
class Operator:
    """An operator: the slug profiles use, its name, API groups and images."""

    slug: str
    name: str
    groups: tuple[str, ...]
    images: tuple[str, ...]  # image repositories end with one of these


OPERATORS: tuple[Operator, ...] = (
    Operator("cert-manager", "cert-manager", ("cert-manager.io", "acme.cert-manager.io"),
             ("cert-manager-controller",)),
    Operator("cloudnative-pg", "CloudNativePG", ("postgresql.cnpg.io",), ("cloudnative-pg",)),
    Operator("zalando-postgres-operator", "Zalando Postgres Operator", ("acid.zalan.do",),
             ("zalando/postgres-operator", "acid/postgres-operator")),
    Operator("crunchy-postgres-operator", "Crunchy Postgres for Kubernetes",
             ("postgres-operator.crunchydata.com",), ("crunchydata/postgres-operator",)),
    Operator("prometheus-operator", "Prometheus Operator", ("monitoring.coreos.com",),
             ("prometheus-operator",)),
    Operator("rabbitmq-cluster-operator", "RabbitMQ Cluster Operator", ("rabbitmq.com",),
             ("rabbitmqoperator/cluster-operator",)),
    Operator("redis-operator", "Redis Operator (Spotahome)", ("databases.spotahome.com",),
             ("spotahome/redis-operator",)),
    Operator("strimzi", "Strimzi (Kafka)", ("kafka.strimzi.io", "core.strimzi.io"), ("strimzi/operator",)),
    Operator("minio-operator", "MinIO Operator", ("minio.min.io",), ("minio/operator",)),
    Operator("keycloak-operator", "Keycloak Operator", ("k8s.keycloak.org",), ("keycloak-operator",)),
    Operator("external-secrets", "External Secrets Operator", ("external-secrets.io",),
             ("external-secrets/external-secrets",)),
    Operator("sealed-secrets", "Sealed Secrets", ("bitnami.com",), ("sealed-secrets-controller",)),
    Operator("eck", "Elastic Cloud on Kubernetes", ("elasticsearch.k8s.elastic.co", "kibana.k8s.elastic.co"),
             ("eck-operator",)),
    Operator("mongodb-community-operator", "MongoDB Community Operator",
             ("mongodbcommunity.mongodb.com",), ("mongodb-kubernetes-operator",)),
    Operator("traefik", "Traefik", ("traefik.io", "traefik.containo.us"), ("traefik",)),
    Operator("kong", "Kong Ingress Controller", ("configuration.konghq.com",),
             ("kong/kubernetes-ingress-controller",)),
    Operator("keda", "KEDA", ("keda.sh",), ("kedacore/keda",)),
    Operator("velero", "Velero", ("velero.io",), ("velero/velero",)),
    Operator("rook-ceph", "Rook Ceph", ("ceph.rook.io", "objectbucket.io"), ("rook/ceph",)),
)
_BY_GROUP = {group: operator for operator in OPERATORS for group in operator.groups}


def operator_of(group: str) -> Operator | None:
    """The operator that acts on resources of API ``group`` (``cert-manager.io``)."""
    return _BY_GROUP.get(group)


def profile_runs(profile: PlatformProfile, group: str) -> bool:
    """Whether ``profile`` runs the operator of ``group``."""
    operator = operator_of(group)
    return operator is not None and operator.slug in profile.operators


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    deploy = deploy_of(package)
    shipped = _shipped_crd_groups(deploy.mappings())
    own = own_images(package)
    findings = []
    reported: set[tuple[str, str]] = set()
    for obj in deploy.mappings():
        group = obj.group
        operator = operator_of(group)
        if operator is None or group not in shipped or (operator.slug, obj.kind) in reported:
            continue
        if (operator.slug in profile.operators or f"{obj.api_version}/{obj.kind}" in profile.custom_kinds
                or any(image.endswith(operator.images) for image in own)):
            continue
        reported.add((operator.slug, obj.kind))
        findings.append(missing_operator(obj, operator, profile))
    return findings


def missing_operator(obj: KubeObject, operator: Operator, profile: PlatformProfile) -> Finding:
    return obj.error(
        "operators.missing", "apiVersion",
        f"{obj.kind} ({obj.api_version}) needs the {operator.name} operator, which platform "
        f"`{profile.id}` does not run; the CustomResourceDefinition in the package lets the cluster "
        f"store the resource, not act on it. Use a platform that runs {operator.name} "
        f"(`operators: [{operator.slug}]`) or ship the operator in the package.")


def _shipped_crd_groups(objects: Iterator[KubeObject]) -> set[str]:
    groups = set()
    for obj in objects:
        if obj.kind == "CustomResourceDefinition" and obj.group == "apiextensions.k8s.io":
            spec = obj.body.get("spec")
            if isinstance(spec, dict) and isinstance(spec.get("group"), str):
                groups.add(spec["group"])
    return groups
