"""Pod Security Standards, at the profile's level, for every pod template.

Shared platforms enforce a Pod Security level (``podSecurity`` in the profile,
restricted unless it says otherwise) with Pod Security admission, so a pod
that breaks it is refused at install time. Admission judges a pod by the
policy of the cluster's own minor version, so the rules of
:mod:`plugins.pod_security_rules` run once per Kubernetes version of the
profile; a problem that only some versions refuse names them
("(Kubernetes 1.34-1.35)").

A profile that enforces less than restricted still hears what restricted
would refuse, as warnings (advice): an author then sees what stands between
the app and the strictest platforms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from plugins.kubernetes_objects import KubeObject, deploy_of
from plugins.kubernetes_versions import minor, version_facts
from plugins.pod_security_pod import plain
from plugins.pod_security_rules import PodTemplate, RuleSet, Violation, active_rules, judged_by
from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "pod-security"
STRICTEST = "restricted"


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings: list[Finding] = []
    for obj in deploy_of(package).mappings():
        pod = PodTemplate.of(obj)
        if pod is not None:
            findings += pod_findings(obj, pod, profile)
    return findings


def pod_findings(obj: KubeObject, pod: PodTemplate, profile: PlatformProfile) -> list[Finding]:
    """The findings of one pod template on every Kubernetes version of ``profile``:
    errors for the profile's level, warnings for what only a stricter level refuses."""
    findings = _at_level(obj, pod, profile, profile.pod_security, obj.error)
    if profile.pod_security != STRICTEST:
        enforced = {(f.code, f.key) for f in findings}
        findings += [f for f in _at_level(obj, pod, profile, STRICTEST, obj.warning)
                     if (f.code, f.key) not in enforced]
    return findings


def _at_level(obj: KubeObject, pod: PodTemplate, profile: PlatformProfile, level: str,
              make: Callable[..., Finding]) -> list[Finding]:
    failing: dict[Violation, list[str]] = defaultdict(list)
    judged: dict[RuleSet, list[Violation]] = {}  # versions whose rules are alike judge alike
    for version in profile.kubernetes_versions:
        rules = active_rules(level, minor(version))
        if rules not in judged:
            judged[rules] = judged_by(pod, rules)
        for violation in judged[rules]:
            failing[violation].append(version)
    return [make(v.code, v.field, check=v.check, level=level, actual=plain(v.actual),
                 expected=plain(v.expected), **version_facts(versions, profile.kubernetes_versions),
                 **v.data)
            for v, versions in failing.items()]
