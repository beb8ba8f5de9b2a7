"""Kubernetes API checks: every deploy/ object, rendered with the config
samples, against the upstream schema of each Kubernetes version a profile runs.

Removed and deprecated built-in API versions are named with the release that
removes them and their replacement, at every version of the profile (also
those older than the bundled schemas), before the schemas are asked: a removed
built-in API is never taken for a custom resource. Custom resources pass when
the package ships their CustomResourceDefinition or the profile declares the
kind. A problem found in several versions is reported once, naming them.
Rendering problems (undeclared placeholders) are package findings: they make
the release uninstallable anywhere.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import jsonschema

from plugins import kubernetes_schema_store as store
from plugins.kubernetes_objects import MAX_LIST_DEPTH, Deploy, KubeObject, deploy_of, is_list
from plugins.kubernetes_operators import operator_of, profile_runs
from plugins.kubernetes_removed_apis import BUILTIN_GROUPS, lifecycle, removal
from plugins.kubernetes_versions import only_on
from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile
from sdk.versions import is_range, satisfies

PLUGIN_NAME = "kubernetes-schema"
CRD = ("apiextensions.k8s.io/v1", "CustomResourceDefinition")
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
               "boolean": "true or false", "object": "a mapping", "array": "a list"}
_MAX_SHOWN = 60


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    return list(deploy_of(package).findings)


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    deploy = deploy_of(package)
    findings, versions = _schema_versions(profile)
    findings += _version_range(package, profile)
    findings += api_lifecycle(deploy, profile)
    if not versions:
        return findings  # no schemas to tell built-in kinds from custom ones
    declared = package_custom_kinds(deploy) | set(profile.custom_kinds)
    builtin_groups = BUILTIN_GROUPS.union(*(store.groups(s) for _, s in versions))
    per_version: dict[tuple[int, str, str, str], list[str]] = defaultdict(list)
    for number, obj in enumerate(deploy.objects):
        problem = _object_problem(obj)
        if problem is not None:
            findings.append(problem)
            continue
        if obj.group not in builtin_groups:
            # A kind is offered when declared, or when the profile runs its operator.
            if f"{obj.api_version}/{obj.kind}" not in declared and not profile_runs(profile, obj.group):
                findings.append(_undeclared_custom(obj, profile))
            continue
        for version, schema in versions:
            if removal(obj.api_version, obj.kind, version) is not None:
                continue  # reported by api_lifecycle, with its replacement
            for code, field, text in _check(obj, version, schema):
                per_version[(number, code, field, text)].append(version)
    for (number, code, field, text), seen in per_version.items():
        # Name the versions only when the problem is not in all of them.
        where = "" if len(seen) == len(versions) else f" (Kubernetes {', '.join(seen)})"
        findings.append(deploy.objects[number].error(code, field, text + where))
    return findings


def api_lifecycle(deploy: Deploy, profile: PlatformProfile) -> list[Finding]:
    """Removed (error) and deprecated (warning) built-in APIs, at each profile version."""
    findings = []
    for obj in deploy.mappings():
        entry = lifecycle(obj.api_version, obj.kind)
        if entry is None or _object_problem(obj) is not None:
            continue
        every = profile.kubernetes_versions
        removed = [v for v in every if entry.removed(v)]
        deprecated = [v for v in every if entry.deprecated(v)]
        if removed:
            findings.append(obj.error("kubernetes.removed-api", "apiVersion",
                                      entry.removal_message() + only_on(removed, every)))
        if deprecated:
            findings.append(obj.warning("kubernetes.deprecated-api", "apiVersion",
                                        entry.deprecation_message() + only_on(deprecated, every)))
    return findings


def package_custom_kinds(deploy: Deploy) -> set[str]:
    """``group/version/Kind`` of every custom resource whose CRD the package ships."""
    kinds: set[str] = set()
    for obj in deploy.mappings():
        if (obj.api_version, obj.kind) != CRD:
            continue
        spec = obj.body.get("spec") or {}
        names = spec.get("names") if isinstance(spec, dict) else None
        if not isinstance(names, dict) or not isinstance(spec.get("versions"), list):
            continue  # the schema check reports a malformed CRD
        for item in spec["versions"]:
            if isinstance(item, dict):
                kinds.add(f"{spec.get('group')}/{item.get('name')}/{names.get('kind')}")
    return kinds


def _schema_versions(profile: PlatformProfile) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Each profile version with the schemas to use for it, and warnings where inexact."""
    findings, pairs = [], []
    for version in profile.kubernetes_versions:
        schema = store.schema_version(version)
        if schema is None:
            findings.append(Finding.warning(
                "kubernetes.version-unchecked",
                f"No Kubernetes {version} schemas are installed (oldest: "
                f"{store.available_versions()[0]}); manifests were not checked against {version}. "
                f"Curators: drop {version} from profile `{profile.id}`.", "deploy/"))
            continue
        if schema != version:
            findings.append(Finding.info(
                "kubernetes.version-approximated",
                f"Kubernetes {version} was checked with the {schema} schemas, the newest installed; "
                "upgrade kubernetes-validate for exact results.", "deploy/"))
        pairs.append((version, schema))
    return findings, pairs


def _version_range(package: PackageView, profile: PlatformProfile) -> list[Finding]:
    """Profile versions outside the app's ``requires.platform.kubernetes`` range."""
    requires = (package.manifest or {}).get("requires")
    platform = requires.get("platform") if isinstance(requires, dict) else None
    wanted = platform.get("kubernetes") if isinstance(platform, dict) else None
    if not isinstance(wanted, str) or not is_range(wanted):
        return []  # absent, or reported by the manifest schema check
    outside = [v for v in profile.kubernetes_versions if not satisfies(f"{v}.0", wanted)]
    if not outside:
        return []
    return [Finding.error(
        "kubernetes.version-range",
        f"The app requires Kubernetes {wanted}, but platform `{profile.id}` also runs "
        f"{', '.join(outside)}; widen the range if the app runs there.",
        "requires.platform.kubernetes")]


def _object_problem(obj: KubeObject) -> Finding | None:
    """What makes a document no Kubernetes object at all."""
    if not obj.is_mapping:
        return obj.error("kubernetes.invalid-object", "",
                         "every document in deploy/ must be one Kubernetes object (a mapping).")
    if not obj.api_version or not obj.kind:
        return obj.error("kubernetes.invalid-object", "",
                         "the object needs `apiVersion` and `kind` (texts), e.g. apps/v1 and Deployment.")
    if is_list(obj) or obj.kind == "List":
        # Lists with a list of items were expanded into their items, as kubectl does.
        return obj.error("kubernetes.invalid-list", "items",
                         f"a {obj.kind} must hold its objects in `items`, a list, nested at most "
                         f"{MAX_LIST_DEPTH} deep; or write them as separate documents divided by `---`.")
    if not obj.name:
        return obj.error("kubernetes.invalid-object", "metadata.name",
                         "`metadata.name` is required; give the object a name.")
    return None


def _undeclared_custom(obj: KubeObject, profile: PlatformProfile) -> Finding:
    operator = operator_of(obj.group)
    if operator is not None:
        return obj.error(
            "kubernetes.undeclared-custom-resource", "apiVersion",
            f"{obj.kind} ({obj.api_version}) needs the {operator.name} operator, which platform "
            f"`{profile.id}` does not run; use a platform that runs it (`operators: "
            f"[{operator.slug}]`) or rely only on kinds the platform offers.")
    return obj.error(
        "kubernetes.undeclared-custom-resource", "apiVersion",
        f"{obj.kind} ({obj.api_version}) is a custom resource that platform `{profile.id}` does "
        "not declare; ship its CustomResourceDefinition in deploy/ or rely only on kinds the "
        "platform offers.")


def _check(obj: KubeObject, version: str, schema: str) -> Iterator[tuple[str, str, str]]:
    """(code, field, text) of each problem of ``obj`` in Kubernetes ``version``."""
    validator = store.validator(schema, obj.api_version, obj.kind)
    if validator is not None:
        for error in validator.iter_errors(obj.body):
            yield from _describe(error)
        return
    served = store.api_versions_of(schema, obj.kind)
    hint = f"use {' or '.join(served)}" if served else "check the kind and apiVersion for typing errors"
    yield ("kubernetes.unknown-api", "apiVersion",
           f"Kubernetes has no {obj.kind} in {obj.api_version}; {hint}.")


def _describe(error: jsonschema.ValidationError) -> Iterator[tuple[str, str, str]]:
    field = _field(error.absolute_path)
    where = f"`{field}`" if field else "the object"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties") or {})
        for extra in sorted(set(error.instance) - known, key=str):
            yield ("kubernetes.schema", join_key(field, str(extra)),
                   f"`{join_key(field, str(extra))}` is not a field of the Kubernetes API; remove it "
                   "or correct its spelling.")
        return
    if error.validator == "type":
        yield "kubernetes.schema", field, f"{where} must be {_expected(error.validator_value)}, " \
            f"not {_shown(error.instance)}{_quote_hint(error)}."
        return
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        yield "kubernetes.schema", field, f"{where} needs `{'`, `'.join(missing)}`."
        return
    if error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value if v is not None)
        yield "kubernetes.schema", field, f"{where} must be one of {options}, not {_shown(error.instance)}."
        return
    if error.validator == "oneOf" and all("type" in s for s in error.validator_value):
        kinds = " or ".join(_expected(s["type"]) for s in error.validator_value)
        yield "kubernetes.schema", field, f"{where} must be {kinds}, not {_shown(error.instance)}."
        return
    yield "kubernetes.schema", field, f"{where}: {_short(error.message)}."


def _field(path: Any) -> str:
    field = ""
    for part in path:
        field = join_key(field, part if isinstance(part, int) else str(part))
    return field


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    return " or ".join(_TYPE_WORDS.get(t, t) for t in names)


def _quote_hint(error: jsonschema.ValidationError) -> str:
    wanted = error.validator_value
    wants_text = wanted == "string" or (isinstance(wanted, list) and "string" in wanted)
    if wants_text and isinstance(error.instance, bool):
        return "; quote it: Kubernetes reads yes, no, on, off, true and false as booleans"
    if wants_text and isinstance(error.instance, (int, float)):
        return "; quote it"
    return ""


def _shown(value: Any) -> str:
    """A value as the author wrote it in YAML terms (``null``, ``true``, ``"text"``), never Python's."""
    return _short(json.dumps(value, ensure_ascii=False, default=str))


def _short(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
