"""Policy plugins on pod templates: pod security, resources, probes, images,
storage and platform services; and binding dates per profile."""

from __future__ import annotations

from datetime import date

import pytest

from sdk.findings import Severity
from sdk.profiles import PlatformProfile, PolicyBinding
from tests import factories
from tests.plugins.kubernetes_support import by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
CONTAINER = "deploy/app.yaml[0].spec.template.spec.containers[0]"


def deployment(old: str, new: str) -> str:
    assert old in DEPLOYMENT
    return DEPLOYMENT.replace(old, new)


def test_secure_deployment_has_no_findings() -> None:
    assert compatibility(package(app=DEPLOYMENT)).findings == ()


@pytest.mark.parametrize(("old", "new", "code", "field"), [
    ("allowPrivilegeEscalation: false", "privileged: true", "pod-security.privileged",
     "securityContext.privileged"),
    ("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true",
     "pod-security.privilege-escalation", "securityContext.allowPrivilegeEscalation"),
    ("capabilities: {drop: [ALL]}", "capabilities: {drop: [ALL], add: [SYS_ADMIN]}",
     "pod-security.capabilities", "securityContext.capabilities.add"),
    ("capabilities: {drop: [ALL]}", "capabilities: {drop: [NET_RAW]}",
     "pod-security.capabilities", "securityContext.capabilities.drop"),
    ("ports: [{containerPort: 8000}]", "ports: [{containerPort: 8000, hostPort: 80}]",
     "pod-security.host-ports", "ports[0].hostPort"),
])
def test_container_breaking_restricted_policy(old: str, new: str, code: str, field: str) -> None:
    result = compatibility(package(app=deployment(old, new)))
    assert not result.compatible
    (finding,) = by_code(result.findings, code)
    assert finding.key == f"{CONTAINER}.{field}"
    assert finding.message.startswith("Deployment/zaken: container `zaken`")


def test_pod_without_run_as_non_root_or_seccomp() -> None:
    text = deployment("        runAsNonRoot: true\n        seccompProfile: {type: RuntimeDefault}\n",
                      "        fsGroup: 1000\n")
    found = compatibility(package(app=text)).findings
    assert codes(found) == {"pod-security.run-as-non-root", "pod-security.seccomp"}
    assert by_code(found, "pod-security.seccomp")[0].key == f"{CONTAINER}.securityContext.seccompProfile"


def test_host_namespaces_and_host_path_in_a_bare_pod() -> None:
    pod = """\
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  hostNetwork: true
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  volumes: [{name: root, hostPath: {path: /}}]
  containers:
    - name: debug
      image: registry.example/debug@sha256:%s
      resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}
      readinessProbe: {exec: {command: ["true"]}}
      livenessProbe: {exec: {command: ["true"]}}
      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
""" % ("c" * 64)
    found = compatibility(package(app=pod)).findings
    assert {(f.code, f.key) for f in found} == {
        ("pod-security.host-namespaces", "deploy/app.yaml[0].spec.hostNetwork"),
        ("pod-security.host-path", "deploy/app.yaml[0].spec.volumes[0].hostPath"),
    }


def test_missing_resources_and_probes() -> None:
    text = deployment("          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
                      "            limits: {cpu: \"1\", memory: 512Mi}\n"
                      "          readinessProbe: {httpGet: {path: /health, port: 8000}}\n",
                      "          resources:\n            requests: {cpu: 100m}\n")
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: zaken}\n" \
        "spec: {selector: {app: zaken}, ports: [{port: 80, targetPort: 8000}]}\n"
    found = compatibility(package(app=text, service=service)).findings
    assert {(f.code, f.key) for f in found} == {
        ("resources.missing-requests", f"{CONTAINER}.resources.requests"),
        ("resources.missing-limits", f"{CONTAINER}.resources.limits"),
        ("probes.missing-readiness", f"{CONTAINER}.readinessProbe"),
    }
    assert "memory" in by_code(found, "resources.missing-requests")[0].message


def test_jobs_need_no_probes() -> None:
    job = f"""\
apiVersion: batch/v1
kind: Job
metadata: {{name: migreren}}
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
        - name: migreren
          image: registry.example/migreren@sha256:{'e' * 64}
          resources: {{requests: {{cpu: 10m, memory: 8Mi}}, limits: {{cpu: 10m, memory: 8Mi}}}}
          securityContext: {{allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}}}}
"""
    assert compatibility(package(app=job)).findings == ()


@pytest.mark.parametrize(("image", "code", "severity"), [
    ("registry.example/zaken:latest", "images.latest", Severity.ERROR),
    ("registry.example:5000/zaken", "images.latest", Severity.ERROR),
    ("registry.example:5000/zaken:1.4.0", "images.mutable-tag", Severity.WARNING),
    ("registry.example/zaken@sha256:abc", "images.invalid-digest", Severity.ERROR),
])
def test_images_must_be_pinned(image: str, code: str, severity: Severity) -> None:
    text = deployment(f"registry.example/zaken@sha256:{'a' * 64}", image)
    (finding,) = compatibility(package(app=text)).findings
    assert (finding.code, finding.severity, finding.key) == (code, severity, f"{CONTAINER}.image")


def test_images_in_cronjob_init_containers_are_checked() -> None:
    cronjob = f"""\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: opschonen}}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
          initContainers:
            - name: wacht
              image: busybox
              resources: {{requests: {{cpu: 10m, memory: 8Mi}}, limits: {{cpu: 10m, memory: 8Mi}}}}
              securityContext: {{allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}}}}
          containers:
            - name: opschonen
              image: registry.example/opschonen@sha256:{'d' * 64}
              resources: {{requests: {{cpu: 10m, memory: 8Mi}}, limits: {{cpu: 10m, memory: 8Mi}}}}
              securityContext: {{allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}}}}
"""
    (finding,) = compatibility(package(app=cronjob)).findings
    assert finding.code == "images.latest"
    assert finding.key == "deploy/app.yaml[0].spec.jobTemplate.spec.template.spec.initContainers[0].image"
    assert finding.message.startswith("CronJob/opschonen: container `wacht` has no tag")


PVC = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: archief}
spec:
  accessModes: [ReadOnlyMany]
  resources: {requests: {storage: 1Gi}}
"""


def test_storage_in_a_mode_the_profile_does_not_offer() -> None:
    result = compatibility(package(app=DEPLOYMENT, pvc=PVC))
    (finding,) = by_code(result.findings, "storage.access-mode")
    assert finding.key == "deploy/pvc.yaml[0].spec.accessModes[0]"
    rox = PlatformProfile(id="rox", name="ROX", kubernetes_versions=("1.34",),
                          storage_access_modes=("ReadWriteOnce", "ReadOnlyMany"))
    offered = compatibility(package(app=DEPLOYMENT, pvc=PVC), rox)
    assert offered.compatible and codes(offered.findings) == {"storage.undeclared"}


def test_statefulset_claim_templates_and_declared_storage() -> None:
    statefulset = DEPLOYMENT.replace("kind: Deployment", "kind: StatefulSet").replace(
        "  replicas: 2\n", "  serviceName: zaken\n  replicas: 1\n"
        "  volumeClaimTemplates:\n    - metadata: {name: data}\n"
        "      spec: {accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}\n")
    manifest = factories.manifest(requires={"platform": {"storage": ["ReadWriteOncePod"]}})
    found = compatibility(package(manifest, app=statefulset)).findings
    assert {(f.code, f.key) for f in found} == {
        ("storage.access-mode", "deploy/app.yaml[0].spec.volumeClaimTemplates[0].spec.accessModes[0]"),
        ("storage.access-mode", "requires.platform.storage[0]"),
    }


def test_platform_service_used_but_not_declared() -> None:
    text = deployment("          ports: [{containerPort: 8000}]\n",
                      "          ports: [{containerPort: 8000}]\n          env:\n"
                      "            - {name: CACHE, value: \"redis://cache:6379/0\"}\n")
    found = compatibility(package(app=text)).findings
    (finding,) = by_code(found, "services.undeclared")
    assert finding.key == f"{CONTAINER}.env[0]"
    assert "`redis`" in finding.message and "does not offer it either" in finding.message
    assert finding.is_error


def test_undeclared_service_the_profile_offers_is_a_warning() -> None:
    text = deployment("          ports: [{containerPort: 8000}]\n",
                      "          ports: [{containerPort: 8000}]\n          env:\n"
                      "            - {name: PGHOST, value: db.platform.svc}\n")
    result = compatibility(package(app=text))
    assert result.compatible
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("services.undeclared", Severity.WARNING)


def test_service_the_package_runs_itself_is_no_platform_need() -> None:
    redis = DEPLOYMENT.replace("name: zaken", "name: cache").replace("{app: zaken}", "{app: cache}") \
        .replace("registry.example/zaken@", "docker.io/library/redis@")
    text = deployment("          ports: [{containerPort: 8000}]\n",
                      "          ports: [{containerPort: 8000}]\n          env:\n"
                      "            - {name: REDIS_URL, value: \"redis://cache:6379/0\"}\n")
    assert compatibility(package(app=text, cache=redis)).findings == ()


def test_declared_service_the_profile_lacks() -> None:
    manifest = factories.manifest(requires={"platform": {"services": ["postgresql", "rabbitmq"]}})
    (finding,) = compatibility(package(manifest, app=DEPLOYMENT)).findings
    assert (finding.code, finding.key) == ("services.unavailable", "requires.platform.services[1]")


PRIVILEGED = DEPLOYMENT.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n"
                                "            privileged: true")


def binding_profile(*policies: PolicyBinding) -> PlatformProfile:
    return PlatformProfile(id="dated", name="Dated", kubernetes_versions=("1.34",),
                           policies=policies)


def test_binding_date_turns_errors_into_warnings_before_it() -> None:
    profile = binding_profile(PolicyBinding("pod-security", date(2027, 1, 1)))
    before = compatibility(package(app=PRIVILEGED), profile, today=date(2026, 12, 31))
    assert before.compatible
    (finding,) = before.findings
    assert finding.severity is Severity.WARNING and "until 2027-01-01" in finding.message
    after = compatibility(package(app=PRIVILEGED), profile, today=date(2027, 1, 1))
    assert not after.compatible and after.findings[0].severity is Severity.ERROR


def test_longest_binding_prefix_decides() -> None:
    profile = binding_profile(PolicyBinding("pod-security", date(2027, 1, 1)),
                              PolicyBinding("pod-security.privileged", date(2026, 1, 1)))
    assert not compatibility(package(app=PRIVILEGED), profile, today=date(2026, 6, 1)).compatible


def test_kubernetes_schema_findings_are_always_binding() -> None:
    broken = DEPLOYMENT.replace("  replicas: 2", "  replica: 2")
    profile = binding_profile(PolicyBinding("kubernetes", date(2030, 1, 1)))
    assert not compatibility(package(app=broken), profile, today=date(2026, 6, 1)).compatible
