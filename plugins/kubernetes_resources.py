"""Resource requests and limits on every container.

Shared platforms give each municipality's namespace a ResourceQuota; a
namespace with a quota on CPU and memory refuses pods whose containers do not
state both requests and limits, and the scheduler needs requests to place pods
fairly. Ephemeral (debug) containers cannot carry resources and are skipped.
"""

from __future__ import annotations

from plugins.kubernetes_objects import containers, workloads
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "resources"
RESOURCES = ("cpu", "memory")


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings: list[Finding] = []
    for obj, field, spec in workloads(package):
        for container in containers(field, spec):
            if container.list_name == "ephemeralContainers":
                continue
            resources = container.body.get("resources")
            resources = resources if isinstance(resources, dict) else {}
            for part, code in (("requests", "missing-requests"), ("limits", "missing-limits")):
                stated = resources.get(part)
                stated = stated if isinstance(stated, dict) else {}
                missing = [name for name in RESOURCES if stated.get(name) in (None, "")]
                if missing:
                    findings.append(obj.error(f"resources.{code}", container.at("resources", part),
                                              container=container.name, missing=missing))
    return findings
