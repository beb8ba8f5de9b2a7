"""Kubernetes API checks: realistic manifests against the upstream schemas."""

from __future__ import annotations

from sdk.profiles import PlatformProfile
from sdk.verification import create_plugin_manager
from tests import factories
from tests.plugins.kubernetes_support import (
    PROFILE,
    by_code,
    codes,
    compatibility,
    package,
    secure_container,
)

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)

STATEFULSET = f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zoeken
spec:
  serviceName: zoeken
  replicas: 1
  selector:
    matchLabels: {{app: zoeken}}
  template:
    metadata:
      labels: {{app: zoeken}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
{secure_container("zoeken", 8)}
          volumeMounts: [{{name: index, mountPath: /data}}]
  volumeClaimTemplates:
    - metadata: {{name: index}}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {{requests: {{storage: 5Gi}}}}
"""

NETWORKING = """\
apiVersion: v1
kind: Service
metadata:
  name: zaken
spec:
  selector: {app: zaken}
  ports: [{port: 80, targetPort: 8000}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: zaken
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  tls: [{hosts: ["${hostname}"], secretName: zaken-tls}]
  rules:
    - host: "${hostname}"
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: zaken, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: zaken
spec:
  podSelector: {matchLabels: {app: zaken}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 8000}]}]
"""

CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: zaken
data:
  LOG_LEVEL: info
  DATABASE_URL: postgres://zaken@db.platform.svc/zaken
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: documenten
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 10Gi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: zaken
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zaken}
  minReplicas: ${replicas}
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
"""

CRONJOB = f"""\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: opschonen
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            seccompProfile: {{type: RuntimeDefault}}
          containers:
{secure_container("opschonen", 12)}
"""

CRD_AND_RESOURCE = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: zaaktypen.zaken.example.nl
spec:
  group: zaken.example.nl
  scope: Namespaced
  names: {plural: zaaktypen, singular: zaaktype, kind: Zaaktype}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: zaken.example.nl/v1
kind: Zaaktype
metadata:
  name: melding
spec:
  omschrijving: Melding openbare ruimte
"""

MANIFEST = factories.manifest(
    requires={"platform": {"services": ["postgresql", "https-certificates"],
                           "storage": ["ReadWriteOnce", "ReadWriteMany"]}},
    config=[{"name": "hostname", "required": True, "example": "zaken.gemeente.example"},
            {"name": "replicas", "default": "2"}],
)


def realistic(**replace: str) -> dict[str, str]:
    files = {"deployment": DEPLOYMENT, "statefulset": STATEFULSET, "networking": NETWORKING,
             "config": CONFIG, "cronjob": CRONJOB, "zaaktypen": CRD_AND_RESOURCE}
    files.update(replace)
    return files


def test_realistic_manifest_set_is_compatible() -> None:
    result = compatibility(package(MANIFEST, **realistic()))
    assert result.compatible, result.findings
    assert [f for f in result.findings if f.severity != "info"] == []


def test_unknown_field_names_file_document_object_and_path() -> None:
    broken = DEPLOYMENT.replace("  replicas: 2", "  replica: 2")
    result = compatibility(package(MANIFEST, **realistic(deployment=broken)))
    assert not result.compatible
    (finding,) = by_code(result.findings, "kubernetes.schema")
    assert finding.key == "deploy/deployment.yaml[0].spec.replica"
    assert finding.message.startswith("Deployment/zaken: ")
    assert finding.plugin == "kubernetes-schema"


def test_wrong_type_in_second_document_keys_its_index() -> None:
    broken = NETWORKING.replace("port: 80, targetPort", "port: eighty, targetPort")
    result = compatibility(package(MANIFEST, **realistic(networking=broken)))
    (finding,) = by_code(result.findings, "kubernetes.schema")
    assert finding.key == "deploy/networking.yaml[0].spec.ports[0].port"
    assert "type integer" in finding.message and finding.message.startswith("Service/zaken: ")


def test_yaml_boolean_where_text_is_expected_says_to_quote() -> None:
    # Kubernetes reads YAML 1.1: `yes` is a boolean, and ConfigMap data must be text.
    broken = CONFIG.replace("LOG_LEVEL: info", "FEATURE_ZAKEN: yes")
    result = compatibility(package(MANIFEST, **realistic(config=broken)))
    (finding,) = by_code(result.findings, "kubernetes.schema")
    assert finding.key == "deploy/config.yaml[0].data.FEATURE_ZAKEN"
    assert "quote it" in finding.message


def test_rendered_placeholder_is_validated_with_its_default() -> None:
    manifest = {**MANIFEST, "config": [{"name": "hostname", "example": "zaken.example"},
                                       {"name": "replicas", "default": "twee"}]}
    result = compatibility(package(manifest, **realistic()))
    (finding,) = by_code(result.findings, "kubernetes.schema")
    assert finding.key == "deploy/config.yaml[2].spec.minReplicas"


HPA_V2BETA2 = CONFIG.split("---\n")[2].replace("autoscaling/v2", "autoscaling/v2beta2")
OLD = PlatformProfile(id="old", name="Old", kubernetes_versions=("1.25",),
                      services=PROFILE.services)
NEW = PlatformProfile(id="new", name="New", kubernetes_versions=("1.26",),
                      services=PROFILE.services)


def test_removed_api_is_compatible_with_old_profile_and_not_with_new() -> None:
    view = package(MANIFEST, **realistic(hpa=HPA_V2BETA2))
    assert compatibility(view, OLD).compatible
    new = compatibility(view, NEW)
    assert not new.compatible
    (finding,) = by_code(new.findings, "kubernetes.removed-api")
    assert finding.key == "deploy/hpa.yaml[0].apiVersion"
    assert finding.message == (
        "HorizontalPodAutoscaler/zaken: autoscaling/v2beta2 HorizontalPodAutoscaler was removed "
        "in Kubernetes 1.26; use autoscaling/v2.")


def test_removed_api_names_only_the_versions_it_fails_in() -> None:
    both = PlatformProfile(id="both", name="Both", kubernetes_versions=("1.25", "1.26"),
                           services=PROFILE.services)
    result = compatibility(package(MANIFEST, **realistic(hpa=HPA_V2BETA2)), both)
    (finding,) = by_code(result.findings, "kubernetes.removed-api")
    assert finding.message.endswith("(Kubernetes 1.26)")


def test_api_removed_long_ago_is_named_with_replacement() -> None:
    old_deployment = DEPLOYMENT.replace("apps/v1", "apps/v1beta2")
    result = compatibility(package(MANIFEST, **realistic(deployment=old_deployment)))
    (finding,) = by_code(result.findings, "kubernetes.removed-api")
    assert "apps/v1beta2 Deployment was removed in Kubernetes 1.16; use apps/v1" in finding.message


def test_custom_resource_without_crd_needs_the_profile_to_declare_it() -> None:
    certificate = """\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: zaken}
spec: {secretName: zaken-tls, dnsNames: [zaken.example], issuerRef: {name: letsencrypt}}
"""
    view = package(MANIFEST, **realistic(certificate=certificate))
    result = compatibility(view)
    (finding,) = by_code(result.findings, "kubernetes.undeclared-custom-resource")
    assert finding.key == "deploy/certificate.yaml[0].apiVersion"
    declaring = PlatformProfile(id="cm", name="CM", kubernetes_versions=("1.34",),
                                services=PROFILE.services,
                                custom_kinds=("cert-manager.io/v1/Certificate",))
    assert compatibility(view, declaring).compatible


def test_custom_resource_of_a_crd_removed_from_the_package_is_undeclared() -> None:
    resource_only = CRD_AND_RESOURCE.split("---\n")[1]
    result = compatibility(package(MANIFEST, **realistic(zaaktypen=resource_only)))
    assert codes(result.findings) >= {"kubernetes.undeclared-custom-resource"}


def test_unknown_api_version_of_builtin_group_suggests_the_served_one() -> None:
    typo = DEPLOYMENT.replace("apps/v1", "apps/v2")
    result = compatibility(package(MANIFEST, **realistic(deployment=typo)))
    (finding,) = by_code(result.findings, "kubernetes.unknown-api")
    assert "use apps/v1" in finding.message


def test_document_that_is_no_object() -> None:
    result = compatibility(package(MANIFEST, **realistic(stray="- just\n- a list\n")))
    (finding,) = by_code(result.findings, "kubernetes.invalid-object")
    assert finding.key == "deploy/stray.yaml[0]"


def test_kubernetes_range_outside_profile_versions() -> None:
    manifest = {**MANIFEST, "requires": {**MANIFEST["requires"],
                                         "platform": {**MANIFEST["requires"]["platform"],
                                                      "kubernetes": ">=1.35"}}}
    result = compatibility(package(manifest, **realistic()))
    (finding,) = by_code(result.findings, "kubernetes.version-range")
    assert "1.34" in finding.message and finding.key == "requires.platform.kubernetes"


def test_validators_are_compiled_once_per_version_and_kind() -> None:
    pm = create_plugin_manager(installed=False)
    schemas = pm.get_plugin("kubernetes-schema").schemas
    compatibility(package(MANIFEST, **realistic()), pm=pm)
    compiled = schemas.compiled
    assert compiled > 0
    compatibility(package(MANIFEST, **realistic()), pm=pm)
    assert schemas.compiled == compiled


def test_each_plugin_manager_owns_its_validators() -> None:
    """No compiled schema is process-wide state: a new manager (a new app) starts empty."""
    first, second = create_plugin_manager(installed=False), create_plugin_manager(installed=False)
    compatibility(package(MANIFEST, **realistic()), pm=first)
    assert first.get_plugin("kubernetes-schema").schemas.compiled > 0
    assert second.get_plugin("kubernetes-schema").schemas.compiled == 0

