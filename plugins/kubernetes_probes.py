"""Readiness and liveness probes on the containers of long-running workloads.

Without a readiness probe a rolling update sends traffic to pods that are not
ready, and without a liveness probe a hung process is never restarted. Jobs
and CronJobs run to completion, so they need neither; init containers neither.
"""

from __future__ import annotations

from plugins.kubernetes_objects import LONG_RUNNING, workloads
from plugins.kubernetes_objects import containers as all_containers
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "probes"
PROBES = (("readinessProbe", "missing-readiness", "receives traffic only when it is ready"),
          ("livenessProbe", "missing-liveness", "is restarted when it hangs"))


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings: list[Finding] = []
    for obj, field, spec in workloads(package):
        if obj.kind not in LONG_RUNNING:
            continue
        for container in all_containers(field, spec):
            if container.list_name != "containers":
                continue
            for probe, code, why in PROBES:
                if not isinstance(container.body.get(probe), dict):
                    findings.append(obj.error(
                        f"probes.{code}", container.at(probe),
                        f"container `{container.name}` has no {probe}; add one (httpGet, tcpSocket, "
                        f"grpc or exec) so that the pod {why}."))
    return findings
