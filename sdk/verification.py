"""The verification runner: one plugin manager, every check, every finding.

pluggy stops a hook call at the first exception. Verification must not, so the
runner calls each implementation itself, stamps the plugin's name on its
findings and turns an exception into an error finding.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import ModuleType
from typing import Any

import pluggy

from sdk import hookspecs
from sdk.findings import Finding, Severity, has_errors, sorted_findings
from sdk.hookspecs import Decision, SourceDocument, VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile, is_always_binding

log = logging.getLogger(__name__)

#: Built-in plugins, registered before installed ones so that installed
#: plugins can override their ``trylast`` defaults.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.manifest_schema",
    "plugins.licence",
    "plugins.version_policy",
    "plugins.ownership",
    "plugins.package_layout",
    "plugins.publiccode",
    "plugins.decision",
    "plugins.kubernetes_schema",
    "plugins.kubernetes_pod_security",
    "plugins.kubernetes_resources",
    "plugins.kubernetes_probes",
    "plugins.kubernetes_images",
    "plugins.kubernetes_storage",
    "plugins.kubernetes_services",
    "plugins.helm_chart",
)


def plugin_name(module: ModuleType) -> str:
    """The name a plugin module is known by: ``PLUGIN_NAME`` or its module name."""
    return getattr(module, "PLUGIN_NAME", module.__name__.rsplit(".", 1)[-1])


def create_plugin_manager(
    *, installed: bool = True, extra: Iterable[object] = ()
) -> pluggy.PluginManager:
    """A fresh plugin manager with the built-in and (optionally) installed plugins.

    One manager per app instance or CLI run: nothing is module-global, so tests
    never leak plugins into each other.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for dotted in BUILTIN_PLUGINS:
        module = importlib.import_module(dotted)
        pm.register(module, name=plugin_name(module))
    if installed:
        pm.load_setuptools_entrypoints(hookspecs.ENTRY_POINT_GROUP)
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()  # a misspelt hook name fails loudly here
    return pm


def describe_plugins(pm: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Name, origin and hooks of every loaded plugin, for ``plugins`` listings."""
    builtin = set(BUILTIN_PLUGINS)
    rows = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        module = getattr(plugin, "__name__", type(plugin).__module__)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        dist = next((d for p, d in pm.list_plugin_distinfo() if p is plugin), None)
        rows.append(
            {
                "name": name,
                "module": module,
                "builtin": module in builtin,
                "distribution": f"{dist.project_name} {dist.version}" if dist else None,
                "hooks": hooks,
            }
        )
    return rows


def call_each(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[Finding]:
    """Call every implementation of a verification hook, surviving crashes."""
    caller = getattr(pm.hook, hook_name)
    findings: list[Finding] = []
    # get_hookimpls() lists implementations in reverse call order.
    for impl in reversed(caller.get_hookimpls()):
        args = {name: kwargs[name] for name in impl.argnames}
        try:
            result = impl.function(**args)
        except Exception as exc:  # a plugin's bug must not stop the others
            log.exception("plugin %s crashed in %s", impl.plugin_name, hook_name)
            findings.append(
                Finding.error(
                    "plugin.crashed",
                    f"The check crashed ({type(exc).__name__}: {exc}). "
                    "This is a fault in the plugin, not necessarily in your package; "
                    "report it to the plugin's maintainers.",
                ).stamped(impl.plugin_name)
            )
            continue
        findings.extend(f.stamped(impl.plugin_name) for f in result or ())
    return findings


def verify_package(
    pm: pluggy.PluginManager,
    package: PackageView,
    context: VerificationContext,
    preliminary: Sequence[Finding] = (),
) -> Decision:
    """Run every check on an opened package and decide.

    ``preliminary`` holds findings from opening the package (manifest parse
    errors); they count like any other.
    """
    findings = list(preliminary)
    if package.manifest is not None:
        findings += call_each(pm, "appstore_verify_manifest", manifest=package.manifest, context=context)
    findings += call_each(pm, "appstore_verify_package", package=package, context=context)
    raw = package.read(package.publiccode_path())
    if raw is not None:
        document = SourceDocument(package.publiccode_path(), raw)
        findings += call_each(
            pm, "appstore_verify_publiccode", document=document, package=package, context=context
        )
    return decide(pm, findings, context)


@dataclass(frozen=True)
class Compatibility:
    """Whether a package runs on one platform profile, and the findings that decide it."""

    profile: str
    compatible: bool
    findings: tuple[Finding, ...]


def check_platforms(
    pm: pluggy.PluginManager, package: PackageView, context: VerificationContext
) -> list[Compatibility]:
    """The compatibility of a package with each profile in ``context.profiles``.

    Binding dates: a profile's ``PolicyBinding`` names a finding code or a
    prefix of codes (``pod-security`` covers ``pod-security.privileged``).
    Before its ``binding_from`` date (``context.today``) an error of a covered
    check is reported as a warning that says from when it binds, so it does not
    make the release incompatible; from that date on it is an error. When
    several bindings cover a code, the longest prefix decides. Checks without
    a binding are binding at once. Kubernetes API checks (``kubernetes.*``:
    schema, removed APIs, unknown kinds) and crashed plugins are always binding
    (``sdk.profiles.ALWAYS_BINDING``): no date makes a refused manifest run.
    """
    results = []
    for profile in context.profiles:
        findings = call_each(
            pm, "appstore_verify_platform", package=package, profile=profile, context=context
        )
        findings = [_apply_binding(f, profile, context.today) for f in findings]
        results.append(Compatibility(profile.id, not has_errors(findings), tuple(sorted_findings(findings))))
    return results


def _apply_binding(finding: Finding, profile: PlatformProfile, today: date) -> Finding:
    """``finding`` as the profile's binding dates make it on ``today``."""
    if not finding.is_error or is_always_binding(finding.code):
        return finding
    covering = [p for p in profile.policies if p.covers(finding.code)]
    if not covering:
        return finding
    binding = max(covering, key=lambda p: len(p.code_prefix))
    if today >= binding.binding_from:
        return finding
    note = f" (Not binding on {profile.name} until {binding.binding_from.isoformat()}.)"
    return replace(finding, severity=Severity.WARNING, message=finding.message + note)


def verify_publiccode_file(
    pm: pluggy.PluginManager, document: SourceDocument, package: PackageView,
    context: VerificationContext,
) -> list[Finding]:
    """Run only the publiccode.yml checks, for a standalone document."""
    findings = call_each(
        pm, "appstore_verify_publiccode", document=document, package=package, context=context
    )
    return sorted_findings(findings)


def decide(
    pm: pluggy.PluginManager, findings: Sequence[Finding], context: VerificationContext
) -> Decision:
    """Ask the decision hook; the built-in decision always answers."""
    try:
        decision = pm.hook.appstore_decide(findings=list(findings), context=context)
    except Exception as exc:
        log.exception("decision plugin crashed")
        crash = Finding.error("plugin.crashed", f"The decision policy crashed: {exc}", "")
        return Decision(False, tuple(sorted_findings([*findings, crash.stamped("decision")])))
    assert decision is not None, "the built-in decision plugin always answers"
    return Decision(decision.accepted, tuple(sorted_findings(decision.findings)))
