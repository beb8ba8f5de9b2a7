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

An app may also declare the operators it needs (``requires.platform.operators``,
with a version range where it matters, as for a Solr operator whose custom
resources it creates at run time): it runs only where the profile offers the
operator at a matching version.
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
from sdk.requirements import OperatorNeed, operator_needs, version_fits

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
    findings = [f for need in operator_needs(package.manifest) for f in _declared_unmet(need, profile)]
    deploy = deploy_of(package)
    shipped = _shipped_crd_groups(deploy.mappings())
    own = own_images(package)
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


def _declared_unmet(need: OperatorNeed, profile: PlatformProfile) -> list[Finding]:
    offers = profile.operator_versions(need.name)
    if any(version_fits(o.version, need.version) for o in offers):
        return []
    data = {"operator": need.name, "range": need.version or "", "profile": profile.id,
            "offered": [o.describe() for o in offers]}
    if offers:
        return [Finding.error("operators.version", key=need.key, data=data)]
    return [Finding.error("operators.required", key=need.key, data=data)]


def missing_operator(obj: KubeObject, operator: Operator, profile: PlatformProfile) -> Finding:
    return obj.error("operators.missing", "apiVersion", apiVersion=obj.api_version, operator=operator.name,
                     operatorSlug=operator.slug, profile=profile.id)


def _shipped_crd_groups(objects: Iterator[KubeObject]) -> set[str]:
    groups = set()
    for obj in objects:
        if obj.kind == "CustomResourceDefinition" and obj.group == "apiextensions.k8s.io":
            spec = obj.body.get("spec")
            if isinstance(spec, dict) and isinstance(spec.get("group"), str):
                groups.add(spec["group"])
    return groups
