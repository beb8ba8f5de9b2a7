"""No false positives on what ordinary charts do: workers without probes, claims
on the default storage class, List documents."""

from __future__ import annotations

import yaml

from plugins.kubernetes_objects import MAX_LIST_DEPTH
from sdk.findings import Severity
from sdk.profiles import PlatformProfile
from tests import factories
from tests.plugins.kubernetes_support import PROFILE, by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
CONTAINER = "deploy/app.yaml[0].spec.template.spec.containers[0]"
NO_PROBES = DEPLOYMENT.replace("          readinessProbe: {httpGet: {path: /health, port: 8000}}\n", "") \
    .replace("          livenessProbe: {httpGet: {path: /health, port: 8000}}\n", "")


def service(selector: str = "{app: zaken}", namespace: str = "") -> str:
    meta = f"{{name: zaken, namespace: {namespace}}}" if namespace else "{name: zaken}"
    return (f"apiVersion: v1\nkind: Service\nmetadata: {meta}\n"
            f"spec: {{selector: {selector}, ports: [{{port: 80, targetPort: 8000}}]}}\n")


def test_worker_that_no_service_selects_needs_no_probes() -> None:
    worker = NO_PROBES.replace("zaken", "celery-worker")
    beat = NO_PROBES.replace("zaken", "celery-beat")
    assert compatibility(package(worker=worker, beat=beat, service=service())).findings == ()


def test_pod_a_service_selects_needs_a_readiness_probe() -> None:
    result = compatibility(package(app=NO_PROBES, service=service()))
    assert not result.compatible
    (readiness,) = by_code(result.findings, "probes.missing-readiness")
    assert readiness.key == f"{CONTAINER}.readinessProbe" and "Service `zaken`" in readiness.message
    (liveness,) = by_code(result.findings, "probes.missing-liveness")
    assert liveness.severity is Severity.WARNING


def test_probe_in_any_container_of_the_pod_is_enough() -> None:
    sidecar = NO_PROBES.replace("      containers:\n", "      containers:\n        - name: proxy\n"
                                "          image: registry.example/proxy@sha256:" + "c" * 64 + "\n"
                                "          resources: {requests: {cpu: 10m, memory: 8Mi}, "
                                "limits: {cpu: 10m, memory: 8Mi}}\n"
                                "          readinessProbe: {tcpSocket: {port: 8080}}\n"
                                "          livenessProbe: {tcpSocket: {port: 8080}}\n"
                                "          securityContext: {allowPrivilegeEscalation: false, "
                                "capabilities: {drop: [ALL]}}\n")
    assert compatibility(package(app=sidecar, service=service())).findings == ()


def test_selector_must_match_every_label_and_the_namespace() -> None:
    # After kube-score's fixtures: multi-label selectors, and Services in the pod's namespace.
    two_labels = NO_PROBES.replace("labels: {app: zaken}", "labels: {app: zaken, tier: backend}")
    assert "probes.missing-readiness" in codes(compatibility(package(
        app=two_labels, service=service("{app: zaken, tier: backend}"))).findings)
    assert compatibility(package(app=two_labels, service=service("{app: zaken, tier: frontend}"))).findings == ()
    in_namespace = NO_PROBES.replace("  name: zaken\nspec:", "  name: zaken\n  namespace: zaken\nspec:", 1)
    assert "probes.missing-readiness" in codes(compatibility(package(
        app=in_namespace, service=service(namespace="zaken"))).findings)


def test_service_selecting_other_labels_or_namespace_or_nothing() -> None:
    for other in (service("{app: zoeken}"), service(namespace="elders"),
                  "apiVersion: v1\nkind: Service\nmetadata: {name: extern}\n"
                  "spec: {type: ExternalName, externalName: db.example}\n"):
        assert compatibility(package(app=NO_PROBES, service=other)).findings == ()


PVC = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\n" \
      "spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}{extra}}}\n"
MANIFEST = factories.manifest(requires={"platform": {"storage": ["ReadWriteOnce"]}})


def claim(extra: str, profile: PlatformProfile = PROFILE) -> list:
    return list(compatibility(package(MANIFEST, app=DEPLOYMENT, pvc=PVC.format(extra=extra)), profile).findings)


def test_claim_without_or_with_null_storage_class_uses_the_default() -> None:
    assert claim("") == []
    assert claim(", storageClassName: null") == []
    assert claim(", storageClassName: ~") == []


def test_no_message_shows_a_python_none() -> None:
    for extra in ("", ", storageClassName: null", ", storageClassName: ''", ", storageClassName: gp2"):
        for finding in claim(extra):
            assert "None" not in finding.message and "'" not in finding.message.split(":", 1)[0]


def test_empty_storage_class_turns_provisioning_off() -> None:
    (finding,) = claim(", storageClassName: ''")
    assert (finding.code, finding.severity) == ("storage.no-class", Severity.WARNING)
    assert finding.key == "deploy/pvc.yaml[0].spec.storageClassName"


def test_storage_class_of_one_cloud_provider() -> None:
    (finding,) = claim(", storageClassName: gp2")
    assert (finding.code, finding.severity) == ("storage.cloud-class", Severity.ERROR)
    assert "Amazon EKS" in finding.message
    at_aws = PlatformProfile(id="aws", name="AWS", kubernetes_versions=("1.34",), storage_classes=("gp2",),
                             services=PROFILE.services)
    assert claim(", storageClassName: gp2", at_aws) == []
    (other,) = claim(", storageClassName: managed-premium")
    assert "Azure AKS" in other.message


def test_list_document_is_expanded_into_its_items() -> None:
    items = "\n".join("  - " + line if i == 0 else "    " + line
                      for i, line in enumerate(DEPLOYMENT.splitlines()))
    listing = f"apiVersion: v1\nkind: List\nitems:\n{items}\n  - {{apiVersion: v1, kind: ConfigMap, " \
              "metadata: {name: instellingen}, data: {LOG_LEVEL: info}}\n"
    assert compatibility(package(app=listing)).findings == ()
    broken = listing.replace("  replicas: 2", "  replica: 2")
    (finding,) = compatibility(package(app=broken)).findings
    assert (finding.code, finding.key) == ("kubernetes.schema", "deploy/app.yaml[0].items[0].spec.replica")


def test_typed_list_items_take_the_list_kind() -> None:
    typed = "apiVersion: v1\nkind: ConfigMapList\nitems:\n  - {metadata: {name: a}, data: {x: '1'}}\n" \
            "  - {metadata: {name: b}, data: {x: 2}}\n"
    (finding,) = compatibility(package(app=typed)).findings
    assert finding.key == "deploy/app.yaml[0].items[1].data.x"
    assert finding.message.startswith("ConfigMap/b: ")


def test_list_that_cannot_be_expanded_is_refused_with_a_reason() -> None:
    result = compatibility(package(app="apiVersion: v1\nkind: List\nitems: {a: b}\n"))
    (finding,) = by_code(result.findings, "kubernetes.invalid-list")
    assert finding.key == "deploy/app.yaml[0].items" and "`items`, a list" in finding.message
    nested: dict = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "diep"}}
    for _ in range(MAX_LIST_DEPTH + 1):
        nested = {"apiVersion": "v1", "kind": "List", "items": [nested]}
    assert "kubernetes.invalid-list" in codes(compatibility(package(app=yaml.safe_dump(nested))).findings)


def test_schema_messages_show_values_in_yaml_terms_not_python() -> None:
    text = DEPLOYMENT.replace("  replicas: 2", "  replicas: twee").replace(
        "containerPort: 8000}]", "containerPort: 8000, name: null}]")
    messages = [f.message for f in compatibility(package(app=text)).findings]
    assert any('not "twee"' in m for m in messages), messages
    assert not any("None" in m or "'twee'" in m for m in messages), messages
