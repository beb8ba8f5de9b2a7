"""Readiness and liveness probes on the pods that a Service sends traffic to.

Without a readiness probe a rolling update sends traffic to pods that are not
ready (an error); without a liveness probe a hung process is never restarted
(a warning: a wrong liveness probe does harm too). Only pods that a Service of
the package selects receive traffic, so only they need probes, as kube-score
judges it: Celery workers, beat schedulers, Jobs and CronJobs have none. One
probe of a kind anywhere in the pod is enough (other containers are ready once
they run). A Service without a selector selects no pods.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plugins.kubernetes_objects import LONG_RUNNING, Container, KubeObject, deploy_of, workloads
from plugins.kubernetes_objects import containers as all_containers
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "probes"


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    services = list(_service_selectors(package))
    findings: list[Finding] = []
    for obj, field, spec in workloads(package):
        if obj.kind not in LONG_RUNNING:
            continue
        labels = _template_labels(obj, field)
        service = next((name for name, namespace, selector in services
                        if namespace == _namespace(obj) and _selects(selector, labels)), None)
        if service is None:
            continue  # no traffic reaches these pods through a Service
        findings += pod_probes(obj, list(all_containers(field, spec)), service)
    return findings


def pod_probes(obj: KubeObject, pod: list[Container], service: str) -> list[Finding]:
    """Missing probes of a pod that Service ``service`` selects."""
    main = [c for c in pod if c.list_name == "containers"]
    if not main:
        return []  # the schema check reports a pod without containers
    first = main[0]
    findings = []
    if not any(isinstance(c.body.get("readinessProbe"), dict) for c in pod):
        findings.append(obj.error(
            "probes.missing-readiness", first.at("readinessProbe"),
            f"Service `{service}` sends traffic to these pods, but no container has a readinessProbe; "
            f"add one to container `{first.name}` (httpGet, tcpSocket, grpc or exec) so that pods "
            "receive traffic only when they are ready."))
    if not any(isinstance(c.body.get("livenessProbe"), dict) for c in pod):
        findings.append(obj.warning(
            "probes.missing-liveness", first.at("livenessProbe"),
            f"no container has a livenessProbe; add one to container `{first.name}` if the process "
            "can hang without exiting, so that it is restarted."))
    return findings


def _service_selectors(package: PackageView) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(name, namespace, selector) of every Service that selects pods."""
    for obj in deploy_of(package).mappings():
        if obj.kind != "Service" or obj.api_version != "v1":
            continue
        spec = obj.body.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        if isinstance(selector, dict) and selector:
            yield obj.name, _namespace(obj), selector


def _namespace(obj: KubeObject) -> str:
    meta = obj.body.get("metadata")
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    return namespace if isinstance(namespace, str) else ""


def _template_labels(obj: KubeObject, spec_field: str) -> Mapping[str, Any]:
    node: Any = obj.body
    for part in (spec_field[: -len("spec")] + "metadata").split("."):
        node = node.get(part) if isinstance(node, dict) else None
    labels = node.get("labels") if isinstance(node, dict) else None
    return labels if isinstance(labels, dict) else {}


def _selects(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    return all(name in labels and labels[name] == value for name, value in selector.items())
