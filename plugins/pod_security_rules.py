"""The Pod Security Standards as Pod Security admission enforces them, per policy version.

A table of checks, each with its level (baseline or restricted) and the forms
it took over time: a form applies from its policy version until the next form
replaces it. Admission evaluates a namespace's level at the cluster's own minor
version (``enforce-version: latest``), so a rule can fail on 1.34 and pass on
1.32 (probe hosts) or the other way round (sysctls that became safe). Some
restricted checks take the place of a weaker baseline check ("overrides").
The rules follow the ``policy/check_*.go`` files of Kubernetes'
pod-security-admission module; the code is our own.

The rules themselves are in :mod:`plugins.pod_security_baseline` and
:mod:`plugins.pod_security_restricted`; this module dates them. No plugin, no
findings: :mod:`plugins.kubernetes_pod_security` turns violations into
findings for each version a profile runs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, replace

from plugins.pod_security_baseline import (
    SELINUX_TYPES_1_0,
    SELINUX_TYPES_1_31,
    app_armor,
    capabilities_baseline,
    host_namespaces,
    host_path_volumes,
    host_ports,
    host_probes,
    privileged,
    proc_mount,
    proc_mount_1_35,
    seccomp_annotations,
    seccomp_baseline,
    selinux,
    sysctls,
    windows_host_process,
)
from plugins.pod_security_pod import PodTemplate, Rule, Version, Violation
from plugins.pod_security_restricted import (
    allow_privilege_escalation,
    capabilities_restricted,
    restricted_volumes,
    run_as_non_root,
    run_as_user,
    seccomp_restricted,
)

__all__ = ["CHECKS", "LATEST", "LEVELS", "PodTemplate", "RuleSet", "Violation", "active_rules", "judged_by",
           "violations"]
LEVELS = ("privileged", "baseline", "restricted")


@dataclass(frozen=True)
class Form:
    """A check as it reads from policy version ``since`` on."""

    since: Version
    rule: Rule
    overrides: tuple[str, ...] = ()  # baseline checks it takes the place of


@dataclass(frozen=True)
class Check:
    id: str
    level: str  # "baseline" or "restricted"
    forms: tuple[Form, ...]  # oldest first

    def form_at(self, version: Version) -> Form | None:
        current = None
        for form in self.forms:
            if form.since <= version:
                current = form
        return current


def _unless_windows(rule: Rule) -> Rule:
    """From 1.25 Windows pods (``spec.os.name: windows``) are exempt: the API refuses these fields."""
    def exempted(pod: PodTemplate) -> Iterator[Violation]:
        return iter(()) if pod.windows else rule(pod)
    return exempted


def _unless_user_namespace(rule: Rule) -> Rule:
    """From 1.35 pods in a user namespace (``hostUsers: false``) may run as uid 0 inside it."""
    def relaxed(pod: PodTemplate) -> Iterator[Violation]:
        return iter(()) if pod.user_namespace else rule(pod)
    return relaxed


BASELINE, RESTRICTED = "baseline", "restricted"
CHECKS: tuple[Check, ...] = (
    Check("hostNamespaces", BASELINE, (Form((1, 0), host_namespaces),)),
    Check("privileged", BASELINE, (Form((1, 0), privileged),)),
    Check("capabilities_baseline", BASELINE, (Form((1, 0), capabilities_baseline),)),
    Check("hostPathVolumes", BASELINE, (Form((1, 0), host_path_volumes),)),
    Check("hostPorts", BASELINE, (Form((1, 0), host_ports),)),
    Check("appArmorProfile", BASELINE, (Form((1, 0), app_armor),)),
    Check("seLinuxOptions", BASELINE, (Form((1, 0), selinux(SELINUX_TYPES_1_0)),
                                       Form((1, 31), selinux(SELINUX_TYPES_1_31)))),
    Check("procMount", BASELINE, (Form((1, 0), proc_mount), Form((1, 35), proc_mount_1_35))),
    Check("seccompProfile_baseline", BASELINE, (Form((1, 0), seccomp_annotations),
                                                Form((1, 19), seccomp_baseline))),
    Check("sysctls", BASELINE, tuple(Form(v, sysctls(v))
                                     for v in ((1, 0), (1, 27), (1, 29), (1, 32), (1, 37)))),
    Check("windowsHostProcess", BASELINE, (Form((1, 0), windows_host_process),)),
    Check("hostProbesAndHostLifecycle", BASELINE, (Form((1, 34), host_probes),)),
    Check("restrictedVolumes", RESTRICTED, (Form((1, 0), restricted_volumes, ("hostPathVolumes",)),)),
    Check("allowPrivilegeEscalation", RESTRICTED, (
        Form((1, 8), allow_privilege_escalation),
        Form((1, 25), _unless_windows(allow_privilege_escalation)))),
    Check("runAsNonRoot", RESTRICTED, (Form((1, 0), run_as_non_root),
                                       Form((1, 35), _unless_user_namespace(run_as_non_root)))),
    Check("runAsUser", RESTRICTED, (Form((1, 23), run_as_user),
                                    Form((1, 35), _unless_user_namespace(run_as_user)))),
    Check("seccompProfile_restricted", RESTRICTED, (
        Form((1, 19), seccomp_restricted, ("seccompProfile_baseline",)),
        Form((1, 25), _unless_windows(seccomp_restricted), ("seccompProfile_baseline",)))),
    Check("capabilities_restricted", RESTRICTED, (
        Form((1, 22), capabilities_restricted, ("capabilities_baseline",)),
        Form((1, 25), _unless_windows(capabilities_restricted), ("capabilities_baseline",)))),
    Check("procMount_restricted", RESTRICTED, (Form((1, 35), proc_mount, ("procMount",)),)),
)
#: The newest policy version the table knows; newer clusters are judged by it.
LATEST: Version = max(form.since for check in CHECKS for form in check.forms)


#: The checks of one level at one policy version, as (check id, rule): versions whose rules are
#: alike judge a pod alike.
RuleSet = tuple[tuple[str, Rule], ...]


@functools.cache
def active_rules(level: str, version: Version) -> RuleSet:
    """(check id, rule) of every check that ``level`` enforces at policy ``version``."""
    if level not in (BASELINE, RESTRICTED):
        return ()  # privileged: nothing is enforced
    version = min(version, LATEST)
    chosen = [(check, form) for check in CHECKS
              if check.level == BASELINE or level == RESTRICTED
              for form in [check.form_at(version)] if form is not None]
    overridden = {name for _, form in chosen for name in form.overrides}
    return tuple((check.id, form.rule) for check, form in chosen if check.id not in overridden)


def violations(pod: PodTemplate, level: str, version: Version) -> list[Violation]:
    """Everything Pod Security admission at ``level`` and ``version`` refuses in ``pod``."""
    return judged_by(pod, active_rules(level, version))


def judged_by(pod: PodTemplate, rules: RuleSet) -> list[Violation]:
    """What ``rules`` (of ``active_rules``) refuse in ``pod``."""
    # A rule shared by two checks (procMount) reports as the check that ran it.
    return [replace(v, check=check) for check, rule in rules for v in rule(pod)]
