"""The Kubernetes objects of a package's deploy/ files, as the platform checks see them.

Every platform check reads the same objects, so each package is rendered and
parsed once (remembered for as long as the package view lives), not once per
check and profile. Parsing follows YAML 1.1, as kubectl and the API server do
(sigs.k8s.io/yaml): ``enabled: yes`` is a boolean and ``defaultMode: 0644`` an
octal number there, and the checks must judge what the cluster will see.
Not a plugin itself: the modules that import it are.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sdk.findings import Finding, join_key
from sdk.package import PackageView
from sdk.render import render_findings, render_text, sample_values
from sdk.yamldoc import decode_text, load_yaml_stream

#: API groups whose workload kinds carry a pod template (core, apps, batch and
#: the old extensions group, so removed versions are still inspected).
WORKLOAD_GROUPS = frozenset({"", "apps", "batch", "extensions"})
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
#: Kinds whose pods keep running, so that probes make sense for them.
LONG_RUNNING = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                          "ReplicationController"})
#: How deeply List documents may be nested in one another before they are refused.
MAX_LIST_DEPTH = 4
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


class _KubeLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """YAML 1.1 as Kubernetes reads it; timestamps stay text (the API wants strings)."""


_KubeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class KubeObject:
    """One document of a deploy/ file: where it is and what it says."""

    path: str
    index: int
    body: Any
    within: str = ""  # "items[2]" for an item of a List document

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.body, dict)

    @property
    def api_version(self) -> str:
        value = self.body.get("apiVersion") if self.is_mapping else None
        return value if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.body.get("kind") if self.is_mapping else None
        return value if isinstance(value, str) else ""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def name(self) -> str:
        meta = self.body.get("metadata") if self.is_mapping else None
        name = meta.get("name") if isinstance(meta, dict) else None
        return str(name) if name is not None else ""

    @property
    def ref(self) -> str:
        """``Deployment/zaken``: how messages name the object."""
        return f"{self.kind or 'object'}/{self.name or '(no name)'}"

    def key(self, field: str = "") -> str:
        """``deploy/app.yaml[0].spec.replicas``: the key of a field of this object."""
        base = f"{self.path}[{self.index}]"
        if self.within:
            base = f"{base}.{self.within}"
        return f"{base}.{field}" if field else base

    def error(self, code: str, field: str, text: str) -> Finding:
        return Finding.error(code, f"{self.ref}: {text}", self.key(field))

    def warning(self, code: str, field: str, text: str) -> Finding:
        return Finding.warning(code, f"{self.ref}: {text}", self.key(field))


@dataclass(frozen=True)
class Container:
    """A container of a pod template, with the field path that leads to it."""

    field: str
    body: Mapping[str, Any]
    list_name: str  # "containers", "initContainers" or "ephemeralContainers"

    @property
    def name(self) -> str:
        return str(self.body.get("name") or "(no name)")

    def at(self, *parts: str | int) -> str:
        path = self.field
        for part in parts:
            path = join_key(path, part)
        return path


@dataclass(frozen=True)
class Deploy:
    """The rendered objects of a package and what rendering had to say."""

    objects: tuple[KubeObject, ...]
    findings: tuple[Finding, ...]

    def mappings(self) -> Iterator[KubeObject]:
        """Objects that are mappings (others are reported by the schema check)."""
        return (o for o in self.objects if o.is_mapping)


_memo: dict[int, tuple[weakref.ref[PackageView], Deploy]] = {}


def deploy_of(package: PackageView) -> Deploy:
    """The rendered objects of ``package``; computed once per package view."""
    hit = _memo.get(id(package))
    if hit is not None and hit[0]() is package:
        return hit[1]
    deploy = _load(package)
    key = id(package)
    _memo[key] = (weakref.ref(package, lambda _ref: _memo.pop(key, None)), deploy)
    return deploy


def _load(package: PackageView) -> Deploy:
    values = sample_values(package.manifest)
    objects: list[KubeObject] = []
    findings: list[Finding] = []
    for path in package.deploy_files():
        raw = package.read(path) or b""
        text, _ = decode_text(raw, path)
        if text is None:
            continue  # package_layout reports files that do not decode
        rendered = render_text(text, values)
        if package.manifest is not None:  # without one, every placeholder would be "undeclared"
            findings += render_findings(path, rendered)
        try:
            documents = [d for d in yaml.load_all(rendered.text, Loader=_KubeLoader) if d is not None]
        except yaml.YAMLError as exc:
            findings += _parse_problem(path, raw, rendered.text != text, exc)
            continue
        objects += [item for index, doc in enumerate(documents)
                    for item in list_items(KubeObject(path, index, doc))]
    return Deploy(tuple(objects), tuple(findings))


def is_list(obj: KubeObject) -> bool:
    """A ``List`` (or typed ``ConfigMapList``) document: kubectl applies its items."""
    return obj.is_mapping and obj.kind.endswith("List") and "items" in obj.body


def list_items(obj: KubeObject, depth: int = 0) -> list[KubeObject]:
    """``obj``, or the items of a List, as kubectl expands them.

    Items of a typed list that name neither apiVersion nor kind take the list's
    (a ``ConfigMapList`` holds ConfigMaps). A List whose ``items`` is no list, or
    that is nested deeper than ``MAX_LIST_DEPTH``, stays whole: the schema check
    says why it is refused.
    """
    items = obj.body.get("items") if is_list(obj) else None
    if not isinstance(items, list) or depth >= MAX_LIST_DEPTH:
        return [obj]
    expanded: list[KubeObject] = []
    for number, item in enumerate(items):
        if isinstance(item, dict) and obj.kind != "List" and "kind" not in item and "apiVersion" not in item:
            item = {"apiVersion": obj.api_version, "kind": obj.kind.removesuffix("List"), **item}
        within = join_key(join_key(obj.within, "items"), number)
        expanded += list_items(KubeObject(obj.path, obj.index, item, within), depth + 1)
    return expanded


def _parse_problem(path: str, raw: bytes, rendered: bool, exc: yaml.YAMLError) -> list[Finding]:
    if load_yaml_stream(raw, path)[1]:
        return []  # a syntax error that package_layout reports already
    brief = " ".join(str(exc).split())
    if rendered:
        return [Finding.error(
            "render.invalid-yaml",
            f"{path} is no longer valid YAML once its placeholders are filled with the config "
            f"defaults and examples ({brief}); quote the placeholder, e.g. \"${{hostname}}\".", path)]
    return [Finding.error(
        "kubernetes.yaml",
        f"{path} cannot be read as Kubernetes reads YAML (YAML 1.1): {brief}.", path)]


def pod_spec(obj: KubeObject) -> tuple[str, Mapping[str, Any]] | None:
    """The pod spec of a workload and its field path, or ``None`` for other kinds."""
    route = POD_SPEC_PATHS.get(obj.kind)
    if route is None or not obj.is_mapping or obj.group not in WORKLOAD_GROUPS:
        return None
    node: Any = obj.body
    for part in route:
        node = node.get(part) if isinstance(node, dict) else None
    return (".".join(route), node) if isinstance(node, dict) else None


def containers(spec_field: str, spec: Mapping[str, Any]) -> Iterator[Container]:
    """Every container of a pod spec: init, regular and ephemeral."""
    for list_name in CONTAINER_LISTS:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield Container(join_key(join_key(spec_field, list_name), index), item, list_name)


def workloads(package: PackageView) -> Iterator[tuple[KubeObject, str, Mapping[str, Any]]]:
    """Each object with a pod template, with its pod spec's field path and body."""
    for obj in deploy_of(package).mappings():
        found = pod_spec(obj)
        if found is not None:
            yield obj, found[0], found[1]
