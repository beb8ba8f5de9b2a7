"""Benchmark of the platform checks: how long verifying deploy/ takes.

Builds a package of 100 realistic Kubernetes manifests (Deployments,
StatefulSets, CronJobs, Services, Ingresses, ConfigMaps, HPAs, PVCs,
NetworkPolicies and PodDisruptionBudgets, ten of each) and runs every
``appstore_verify_platform`` check against a profile with four Kubernetes
versions. Prints the time of a cold run (first in the process: schemas loaded
and compiled) and of warm runs (a fresh package view, schemas reused).
The target is under one second for each.

Run from the repository root: ``.venv/bin/python bench/kubernetes_verify.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sdk.findings import has_errors  # noqa: E402
from sdk.hookspecs import VerificationContext  # noqa: E402
from sdk.package import PackageView  # noqa: E402
from sdk.profiles import PlatformProfile  # noqa: E402
from sdk.verification import check_platforms, create_plugin_manager  # noqa: E402

PROFILE = PlatformProfile(
    id="bench", name="Bench", kubernetes_versions=("1.34", "1.35", "1.36", "1.37"),
    services=("postgresql", "https-certificates"),
)
POD = """\
    spec:
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
        - name: {name}
          image: registry.example/{name}@sha256:{digest}
          env:
            - {{name: LOG_LEVEL, value: info}}
            - {{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: {name}-db, key: password}}}}}}
          envFrom: [{{configMapRef: {{name: {name}}}}}]
          ports: [{{containerPort: 8000, name: http}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
          readinessProbe: {{httpGet: {{path: /health, port: http}}, periodSeconds: 10}}
          livenessProbe: {{httpGet: {{path: /health, port: http}}, failureThreshold: 5}}
          securityContext: {{allowPrivilegeEscalation: false, capabilities: {{drop: [ALL]}},
                            readOnlyRootFilesystem: true}}
          volumeMounts: [{{name: tmp, mountPath: /tmp}}]
      volumes: [{{name: tmp, emptyDir: {{}}}}]
"""
KINDS = {
    "deployment": """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, labels: {{app: {name}}}}}
spec:
  replicas: ${{replicas}}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
""" + POD,
    "statefulset": """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}-data}}
spec:
  serviceName: {name}-data
  selector: {{matchLabels: {{app: {name}-data}}}}
  volumeClaimTemplates:
    - metadata: {{name: data}}
      spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 5Gi}}}}}}
  template:
    metadata: {{labels: {{app: {name}-data}}}}
""" + POD,
    "cronjob": """\
apiVersion: batch/v1
kind: CronJob
metadata: {{name: {name}-cleanup}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
""" + "".join("    " + line + "\n" for line in POD.splitlines()).replace(
        "    spec:\n", "    spec:\n          restartPolicy: OnFailure\n", 1),
    "service": """\
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{name: http, port: 80, targetPort: http}}]}}
""",
    "ingress": """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {name}, annotations: {{cert-manager.io/cluster-issuer: letsencrypt}}}}
spec:
  tls: [{{hosts: ["${{hostname}}"], secretName: {name}-tls}}]
  rules:
    - host: "${{hostname}}"
      http: {{paths: [{{path: /{name}, pathType: Prefix,
                        backend: {{service: {{name: {name}, port: {{name: http}}}}}}}}]}}
""",
    "configmap": """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}}}
data: {{DATABASE_URL: "postgres://{name}@db.platform.svc/{name}", TIMEZONE: Europe/Amsterdam}}
""",
    "hpa": """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
""",
    "pvc": """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: {name}-files}}
spec: {{accessModes: [ReadWriteMany], resources: {{requests: {{storage: 10Gi}}}}}}
""",
    "networkpolicy": """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}}}
spec:
  podSelector: {{matchLabels: {{app: {name}}}}}
  policyTypes: [Ingress]
  ingress: [{{ports: [{{port: 8000}}]}}]
""",
    "pdb": """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}}}
spec: {{minAvailable: 1, selector: {{matchLabels: {{app: {name}}}}}}}
""",
}
MANIFEST = {
    "manifestVersion": 1, "id": "bench", "version": "1.0.0", "name": "Bench", "summary": "Bench",
    "publisher": "bench", "license": "EUPL-1.2", "layer": "process",
    "requires": {"platform": {"services": ["postgresql", "https-certificates"],
                              "storage": ["ReadWriteOnce", "ReadWriteMany"]}},
    "config": [{"name": "hostname", "example": "app.gemeente.example"},
               {"name": "replicas", "default": "2"}],
}


def build_package(components: int = 10) -> PackageView:
    """One deploy/ file per component, each with one object of every kind."""
    files = {}
    for index in range(components):
        name = f"component{index}"
        docs = [t.format(name=name, digest=f"{index:064x}") for t in KINDS.values()]
        files[f"deploy/{name}.yaml"] = "---\n".join(docs).encode()
    return PackageView(files=files, manifest=MANIFEST)


def verify_once(pm: object) -> tuple[float, int, bool]:
    package = build_package()  # a fresh view: nothing remembered from earlier runs
    started = time.perf_counter()
    (result,) = check_platforms(pm, package, VerificationContext(profiles=(PROFILE,)))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    return elapsed, len(result.findings), has_errors(result.findings)


def main() -> None:
    pm = create_plugin_manager(installed=False)
    documents = sum(raw.count(b"---\n") + 1 for raw in build_package().files.values())
    cold, findings, errors = verify_once(pm)
    warm = [verify_once(pm)[0] for _ in range(5)]
    print(f"manifests: {documents}, Kubernetes versions: {len(PROFILE.kubernetes_versions)}, "
          f"findings: {findings}, errors: {errors}")
    print(f"cold: {cold * 1000:.0f} ms")
    print(f"warm: {statistics.median(warm) * 1000:.0f} ms (median of {len(warm)})")


if __name__ == "__main__":
    main()
