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
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema

from plugins import kubernetes_schema_store as store
from plugins.kubernetes_objects import MAX_LIST_DEPTH, Deploy, KubeObject, deploy_of, is_list
from plugins.kubernetes_operators import operator_of, profile_runs
from plugins.kubernetes_removed_apis import BUILTIN_GROUPS, lifecycle, removal
from plugins.kubernetes_versions import version_facts
from sdk import hookimpl
from sdk.budget import checkpoint
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile
from sdk.versions import is_range, satisfies

PLUGIN_NAME = "kubernetes-schema"
CRD = ("apiextensions.k8s.io/v1", "CustomResourceDefinition")
_MAX_SHOWN = 60
#: A problem's data as a hashable tuple of (name, value): the same problem in
#: several Kubernetes versions becomes one finding that names them.
Problem = tuple[tuple[str, Any], ...]


class KubernetesSchema:
    """The plugin: one instance per plugin manager, owning the validators it compiled."""

    def __init__(self) -> None:
        self.schemas = store.SchemaStore()

    @hookimpl(trylast=True)
    def appstore_verify_package(self, package: PackageView, context: VerificationContext) -> list[Finding]:
        return list(deploy_of(package).findings)

    @hookimpl(trylast=True)
    def appstore_verify_platform(
        self, package: PackageView, profile: PlatformProfile, context: VerificationContext
    ) -> list[Finding]:
        return platform_findings(self.schemas, package, profile)


def make_plugin() -> KubernetesSchema:
    """A fresh instance for a plugin manager (``sdk.verification.create_plugin_manager``)."""
    return KubernetesSchema()


def platform_findings(schemas: store.SchemaStore, package: PackageView, profile: PlatformProfile) -> list[Finding]:
    """Every Kubernetes API finding of ``package`` on ``profile``."""
    deploy = deploy_of(package)
    findings, versions = _schema_versions(profile)
    findings += _version_range(package, profile)
    findings += api_lifecycle(deploy, profile)
    if not versions:
        return findings  # no schemas to tell built-in kinds from custom ones
    declared = package_custom_kinds(deploy) | set(profile.custom_kinds)
    builtin_groups = BUILTIN_GROUPS.union(*(schemas.groups(s) for _, s in versions))
    per_version: dict[tuple[int, str, str, Problem], list[str]] = defaultdict(list)
    for number, obj in enumerate(deploy.objects):
        checkpoint()
        refused = _object_problem(obj)
        if refused is not None:
            findings.append(refused)
            continue
        if obj.group not in builtin_groups:
            # A kind is offered when declared, or when the profile runs its operator.
            if f"{obj.api_version}/{obj.kind}" not in declared and not profile_runs(profile, obj.group):
                findings.append(_undeclared_custom(obj, profile))
            continue
        for version, schema in versions:
            if removal(obj.api_version, obj.kind, version) is not None:
                continue  # reported by api_lifecycle, with its replacement
            for code, field, problem in _problems(schemas, deploy, number, schema):
                per_version[(number, code, field, problem)].append(version)
    every = tuple(version for version, _ in versions)
    for (number, code, field, problem), seen in per_version.items():
        obj = deploy.objects[number]
        data = {name: list(value) if isinstance(value, tuple) else value for name, value in problem}
        data["place"] = data.get("place") or obj.kind  # a problem of the object as a whole
        findings.append(obj.error(code, field, **data, **version_facts(seen, every)))
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
            findings.append(obj.error("kubernetes.removed-api", "apiVersion", **entry.facts(),
                                      **version_facts(removed, every)))
        if deprecated:
            findings.append(obj.warning("kubernetes.deprecated-api", "apiVersion", **entry.facts(),
                                        **version_facts(deprecated, every)))
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
            findings.append(Finding.warning("kubernetes.version-unchecked", key="deploy/", data={
                "version": version, "oldest": store.available_versions()[0], "profile": profile.id}))
            continue
        if schema != version:
            findings.append(Finding.info("kubernetes.version-approximated", key="deploy/",
                                         data={"version": version, "schema": schema}))
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
    return [Finding.error("kubernetes.version-range", key="requires.platform.kubernetes",
                          data={"wanted": wanted, "profile": profile.id, "outside": outside})]


def _object_problem(obj: KubeObject) -> Finding | None:
    """What makes a document no Kubernetes object at all."""
    if not obj.is_mapping:
        return obj.error("kubernetes.invalid-object", "", case="not-a-mapping")
    if not obj.api_version or not obj.kind:
        return obj.error("kubernetes.invalid-object", "", case="no-kind")
    if is_list(obj) or obj.kind == "List":
        # Lists with a list of items were expanded into their items, as kubectl does.
        return obj.error("kubernetes.invalid-list", "items", depth=MAX_LIST_DEPTH)
    if not obj.name:
        return obj.error("kubernetes.invalid-object", "metadata.name", case="no-name")
    return None


def _undeclared_custom(obj: KubeObject, profile: PlatformProfile) -> Finding:
    operator = operator_of(obj.group)
    facts = {"apiVersion": obj.api_version, "profile": profile.id}
    if operator is not None:
        return obj.error("kubernetes.undeclared-custom-resource", "apiVersion", **facts, case="operator",
                         operator=operator.name, operatorSlug=operator.slug)
    return obj.error("kubernetes.undeclared-custom-resource", "apiVersion", **facts)


def _problems(schemas: store.SchemaStore, deploy: Deploy, number: int,
              schema: str) -> tuple[tuple[str, str, Problem], ...]:
    """The problems of object ``number`` against the schemas of ``schema``, found once per
    package and schema fingerprint: versions that define its kind alike, and profiles
    that run the same versions, share them."""
    obj = deploy.objects[number]
    fingerprint = store.fingerprint(schema, obj.api_version, obj.kind)
    key = ("kubernetes-schema", number, fingerprint or f"{schema} has no {obj.api_version} {obj.kind}")
    found = deploy.derived.get(key)
    if found is None:
        found = deploy.derived[key] = tuple(_check(schemas, obj, schema))
    return found


def _check(schemas: store.SchemaStore, obj: KubeObject, schema: str) -> Iterator[tuple[str, str, Problem]]:
    """(code, field, data) of each problem of ``obj`` in the schemas of Kubernetes ``schema``."""
    validator = schemas.validator(schema, obj.api_version, obj.kind)
    if validator is not None:
        if schemas.conforms(schema, obj.api_version, obj.kind, obj.body):
            return
        for error in validator.iter_errors(obj.body):
            yield from _describe(error)
        return
    served = tuple(store.api_versions_of(schema, obj.kind))
    problem = (("apiVersion", obj.api_version), ("served", served)) if served else (
        ("apiVersion", obj.api_version), ("case", "unknown-kind"))
    yield "kubernetes.unknown-api", "apiVersion", problem


def _describe(error: jsonschema.ValidationError) -> Iterator[tuple[str, str, Problem]]:
    """What one schema error says, as data: the wording is chosen by ``case``."""
    field = _field(error.absolute_path)
    place = ("place", field)
    # Both are set on every error a validator reports (the stubs also allow "unset").
    wanted: Any = error.validator_value
    instance: Any = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties") or {}) if isinstance(error.schema, Mapping) else set()
        for extra in sorted(set(instance) - known, key=str):
            where = join_key(field, str(extra))
            yield "kubernetes.schema", where, (("place", where), ("case", "unknown-field"))
        return
    if error.validator == "type":
        yield "kubernetes.schema", field, (place, ("case", _type_case(error)),
                                           ("expected", _types(wanted)),
                                           ("actual", _shown(instance)))
        return
    if error.validator == "required":
        missing = tuple(str(name) for name in wanted if name not in (instance or {}))
        yield "kubernetes.schema", field, (place, ("case", "required"), ("missing", missing))
        return
    if error.validator == "enum":
        options = tuple(str(v) for v in wanted if v is not None)
        yield "kubernetes.schema", field, (place, ("case", "enum"), ("expected", options),
                                           ("actual", _shown(instance)))
        return
    if error.validator == "oneOf" and all("type" in s for s in wanted):
        kinds = tuple(name for s in wanted for name in _types(s["type"]))
        yield "kubernetes.schema", field, (place, ("case", "type"), ("expected", kinds),
                                           ("actual", _shown(instance)))
        return
    # jsonschema's own words (English), kept as they are in data.
    yield "kubernetes.schema", field, (place, ("problem", _short(error.message)))


def _field(path: Any) -> str:
    field = ""
    for part in path:
        field = join_key(field, part if isinstance(part, int) else str(part))
    return field


def _types(types: Any) -> tuple[str, ...]:
    """The JSON types a schema wants (``string``, ``integer``...), without ``null``."""
    return (types,) if isinstance(types, str) else tuple(t for t in types if t != "null")


def _type_case(error: jsonschema.ValidationError) -> str:
    """``type``, or the wording that tells the author to quote a value YAML took for another type."""
    wanted = error.validator_value
    wants_text = wanted == "string" or (isinstance(wanted, list) and "string" in wanted)
    if wants_text and isinstance(error.instance, bool):
        return "quote-boolean"
    if wants_text and isinstance(error.instance, (int, float)):
        return "quote"
    return "type"


def _shown(value: Any) -> str:
    """A value as the author wrote it in YAML terms (``null``, ``true``, ``"text"``), never Python's."""
    return _short(json.dumps(value, ensure_ascii=False, default=str))


def _short(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
