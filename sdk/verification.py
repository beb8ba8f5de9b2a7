"""The verification runner: one plugin manager, every check, every finding.

pluggy stops a hook call at the first exception. Verification must not, so the
runner calls each implementation itself, stamps the plugin's name on its
findings and turns an exception into an error finding.

Each run has a ``Budget`` (``sdk.budget``): its time is checked before every
plugin, and running out refuses the package; the findings kept per code are
capped, with one summary finding for the rest.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from types import ModuleType
from typing import Any, cast

import pluggy

from sdk import hookspecs
from sdk.budget import Budget, OutOfTime, checkpoint, summarise
from sdk.findings import Finding, Kind, Severity, sorted_findings
from sdk.hookspecs import Decision, SourceDocument, VerificationContext
from sdk.messages import ADVISORY, NOTE, POSTPONED, render
from sdk.package import PackageView
from sdk.profiles import PlatformProfile, PolicyBinding, is_runs_check

log = logging.getLogger(__name__)

#: Told each plugin's name and seconds per hook call (the registry turns them into metrics).
PluginTimer = Callable[[str, float], None]
_plugin_timer: ContextVar[PluginTimer | None] = ContextVar("plugin_timer", default=None)

#: Built-in plugins, registered before installed ones so that installed
#: plugins can override their ``trylast`` defaults.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.manifest_schema",
    "plugins.licence",
    "plugins.version_policy",
    "plugins.ownership",
    "plugins.lookalikes",
    "plugins.package_layout",
    "plugins.scaffold_leftovers",
    "plugins.publiccode",
    "plugins.decision",
    "plugins.kubernetes_schema",
    "plugins.kubernetes_pod_security",
    "plugins.kubernetes_resources",
    "plugins.kubernetes_probes",
    "plugins.kubernetes_images",
    "plugins.kubernetes_storage",
    "plugins.kubernetes_services",
    "plugins.kubernetes_operators",
    "plugins.kubernetes_credentials",
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
        # A module with state (compiled schemas) offers `make_plugin`: its instance
        # belongs to this manager alone, never to the process.
        make_plugin = getattr(module, "make_plugin", None)
        pm.register(make_plugin() if make_plugin is not None else module, name=plugin_name(module))
    if installed:
        pm.load_setuptools_entrypoints(hookspecs.ENTRY_POINT_GROUP)
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()  # a misspelt hook name fails loudly here
    return pm


def describe_plugins(pm: pluggy.PluginManager, own: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Name, origin and hooks of every loaded plugin, for ``plugins`` listings; modules named
    in ``own`` (the host's own listeners) count as built in."""
    builtin = {*BUILTIN_PLUGINS, *own}
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


@contextmanager
def timing_plugins(timer: PluginTimer) -> Iterator[None]:
    """Within this block, report how long each plugin's hook call took to ``timer``."""
    token = _plugin_timer.set(timer)
    try:
        yield
    finally:
        _plugin_timer.reset(token)


def call_each(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[Finding]:
    """Call every implementation of a verification hook, surviving misbehaving plugins.

    Plain implementations run one by one; wrappers (``wrapper=True`` or the older
    ``hookwrapper=True``) run around all of them, as pluggy would run them. A
    plugin that raises, or returns anything but a list of findings, gives one
    ``plugin.crashed`` error and the others go on: a plugin's fault never
    becomes a server error, nor silences another check.
    """
    caller = getattr(pm.hook, hook_name)
    # get_hookimpls() lists implementations in reverse call order.
    impls = list(reversed(caller.get_hookimpls()))
    wrappers = [impl for impl in impls if impl.wrapper or impl.hookwrapper]
    findings: list[Finding] = []
    crashes: list[Finding] = []
    timer = _plugin_timer.get()
    for impl in impls:
        if impl.wrapper or impl.hookwrapper:
            continue
        checkpoint()
        started = time.perf_counter()
        try:
            findings.extend(_checked(impl, impl.function(**_arguments(impl, kwargs)), hook_name))
        except OutOfTime:
            raise  # not the plugin's fault: the whole verification stops
        except Exception as exc:  # a plugin's bug must not stop the others
            crashes.append(_crashed(impl, hook_name, exc))
        finally:
            if timer is not None:
                timer(impl.plugin_name, time.perf_counter() - started)
    for impl in reversed(wrappers):  # the first wrapper is the outermost
        try:
            findings = _run_wrapper(impl, _arguments(impl, kwargs), findings, hook_name)
        except OutOfTime:
            raise
        except Exception as exc:
            crashes.append(_crashed(impl, hook_name, exc))
    return findings + crashes


def _arguments(impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: kwargs[name] for name in impl.argnames}


def _run_wrapper(impl: pluggy.HookImpl, args: dict[str, Any], findings: list[Finding],
                 hook_name: str) -> list[Finding]:
    """Run a wrapper around the findings of the plain implementations."""
    generator = cast("Generator[None, Any, Any]", impl.function(**args))  # a wrapper is a generator
    next(generator)  # the part before the call
    if impl.hookwrapper:  # old style: it may force another result on the outcome
        outcome = pluggy.Result(findings, None)
        try:
            generator.send(outcome)
        except StopIteration:
            pass
        return _checked(impl, outcome.get_result(), hook_name)
    try:
        generator.send(findings)
    except StopIteration as done:
        return _checked(impl, done.value, hook_name)
    raise RuntimeError("the wrapper yielded more than once")


def _checked(impl: pluggy.HookImpl, result: object, hook_name: str) -> list[Finding]:
    """The findings a plugin returned, stamped with its name; anything else is its fault."""
    if result is None:
        return []
    if not isinstance(result, list | tuple) or not all(isinstance(f, Finding) for f in result):
        raise TypeError(f"{hook_name} returned {type(result).__name__} instead of a list of findings")
    return [f.stamped(impl.plugin_name) for f in result]


def _crashed(impl: pluggy.HookImpl, hook_name: str, exc: Exception) -> Finding:
    log.error("plugin %s failed in %s", impl.plugin_name, hook_name, exc_info=exc)
    error = f"{type(exc).__name__}: {exc}"
    return Finding.error("plugin.crashed", data={"error": error}).stamped(impl.plugin_name)


def verify_package(
    pm: pluggy.PluginManager,
    package: PackageView,
    context: VerificationContext,
    preliminary: Sequence[Finding] = (),
    budget: Budget | None = None,
) -> Decision:
    """Run every check on an opened package and decide.

    ``preliminary`` holds findings from opening the package (manifest parse
    errors); they count like any other. ``budget`` limits the work (a fresh
    default one if not given); out of time, the package is refused with the
    findings so far and ``verification.too-slow``.
    """
    budget = budget or Budget()
    findings = list(preliminary)
    try:
        with budget.active():
            if package.manifest is not None:
                findings += call_each(pm, "appstore_verify_manifest", manifest=package.manifest, context=context)
            findings += call_each(pm, "appstore_verify_package", package=package, context=context)
            raw = package.read(package.publiccode_path())
            if raw is not None:
                document = SourceDocument(package.publiccode_path(), raw)
                findings += call_each(
                    pm, "appstore_verify_publiccode", document=document, package=package, context=context
                )
    except OutOfTime as late:
        findings += late.findings
        return Decision(False, tuple(summarise(sorted_findings(findings), budget.limits.max_findings_per_code)))
    decision = decide(pm, findings, context)
    return Decision(decision.accepted, tuple(summarise(decision.findings, budget.limits.max_findings_per_code)))


@dataclass(frozen=True)
class Compatibility:
    """The verdict on one platform profile: whether the package runs there, whether it
    meets the policies the profile enforces, and the findings that decide it (each
    with its ``kind``: runs, policy or advice)."""

    profile: str
    runs: bool
    meets_policy: bool
    findings: tuple[Finding, ...]
    failed_policies: tuple[str, ...] = ()

    @property
    def compatible(self) -> bool:
        """Whether it may be installed there: it runs and meets every enforced policy."""
        return self.runs and self.meets_policy

    def of_kind(self, kind: Kind) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is kind)


def check_platforms(
    pm: pluggy.PluginManager, package: PackageView, context: VerificationContext,
    budget: Budget | None = None,
) -> list[Compatibility]:
    """The verdict on each profile in ``context.profiles``.

    Each finding gets its kind (``judge``). *Runs* findings come from the checks
    of what a cluster enforces (``sdk.profiles.RUNS_CHECKS``: schemas and API
    versions, custom resources and operators, storage, services, crashed
    plugins); no policy or date changes them. Every other error is a policy
    failure, judged by the profile's ``PolicyBinding`` for its code (the
    longest prefix decides; ``pod-security`` covers ``pod-security.privileged``):
    binding at once without one; before its ``binding_from`` date
    (``context.today``) a warning that says from when it binds; never binding,
    and so advice, when the policy is advisory. Warnings and information are
    advice.

    The verdict is taken on every finding; then the findings kept are capped
    per code (``budget``). Out of ``budget`` time, ``OutOfTime`` (a
    ``PackageRejected``) is raised: no verdict is known then.
    """
    budget = budget or Budget()
    per_code = budget.limits.max_findings_per_code
    results = []
    with budget.active():
        for profile in context.profiles:
            raw = call_each(pm, "appstore_verify_platform", package=package, profile=profile, context=context)
            findings = sorted_findings(judge(f, profile, context.today) for f in raw)
            failed = tuple(dict.fromkeys(policy_name(f.code, profile) for f in findings
                                         if f.kind is Kind.POLICY and f.is_error))
            runs = not any(f.is_error for f in findings if f.kind is Kind.RUNS)
            results.append(Compatibility(profile.id, runs, not failed, tuple(summarise(findings, per_code)), failed))
    return results


def judge(finding: Finding, profile: PlatformProfile, today: date) -> Finding:
    """``finding`` with its kind on ``profile``, as its policy makes it on ``today``."""
    if is_runs_check(finding.code):
        return replace(finding, kind=Kind.RUNS)
    if not finding.is_error:
        return replace(finding, kind=Kind.ADVICE)
    policy = governing_policy(finding.code, profile)
    if policy is None or policy.binding_on(today):
        return replace(finding, kind=Kind.POLICY)
    if policy.advisory:
        return noted(replace(finding, kind=Kind.ADVICE), ADVISORY, profile=profile.name)
    if policy.binding_from is None:  # no date: binding_on() is true, so this is not reached
        return replace(finding, kind=Kind.POLICY)
    return noted(replace(finding, kind=Kind.POLICY), POSTPONED, profile=profile.name,
                 bindingFrom=policy.binding_from.isoformat())


def governing_policy(code: str, profile: PlatformProfile) -> PolicyBinding | None:
    """The profile's policy entry for ``code``: the one with the longest prefix."""
    covering = [p for p in profile.policies if p.covers(code)]
    return max(covering, key=lambda p: len(p.code_prefix)) if covering else None


def policy_name(code: str, profile: PlatformProfile) -> str:
    """The name of the policy a code belongs to: its profile entry, else its check family."""
    policy = governing_policy(code, profile)
    return policy.code_prefix if policy else code.split(".", 1)[0]


def noted(finding: Finding, note: str, **values: str) -> Finding:
    """An error that does not bind (yet) on a profile, as the warning it is.

    The data names the note and its values, so that the note is rendered in
    the reader's language around the finding's own words (``sdk.messages``).
    """
    data = {**finding.data, NOTE: note, **values}
    text = render(note, {**data, "text": finding.message})
    return replace(finding, severity=Severity.WARNING, message=text or finding.message, data=data)


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
        if not isinstance(decision, Decision) or not all(isinstance(f, Finding) for f in decision.findings):
            raise TypeError(f"appstore_decide returned {type(decision).__name__} instead of a Decision")
    except Exception as exc:  # a policy's fault rejects the package, never the request
        log.exception("decision plugin failed")
        crash = Finding.error("plugin.crashed", data={"error": f"{type(exc).__name__}: {exc}"})
        return Decision(False, tuple(sorted_findings([*findings, crash.stamped("decision")])))
    return Decision(decision.accepted, tuple(sorted_findings(decision.findings)))
