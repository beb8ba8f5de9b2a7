"""The Kubernetes objects of a package's deploy/ files, as the platform checks see them.

Every platform check reads the same objects, so each package is rendered and
parsed once (remembered for as long as the package view lives), not once per
check and profile. Parsing follows YAML 1.1, as kubectl and the API server do
(sigs.k8s.io/yaml): ``enabled: yes`` is a boolean and ``defaultMode: 0644`` an
octal number there, and the checks must judge what the cluster will see.
A file that starts with ``{`` is a stream of JSON objects, as kubectl reads it
(``sdk.jsonstream``). Every file that ships is read (``deploy_files()``).
A YAML file is built straight from libyaml's events where it holds only the
common things, else by PyYAML's loader; both give the same data (``_yaml_documents``).

Work is bounded: past the document limit of the running verification
(``sdk.budget``) parsing stops and the package is refused, and the loops over
documents and objects check its time budget.
Not a plugin itself: the modules that import it are.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from sdk.budget import checkpoint, document_limit
from sdk.findings import Finding, FindingData, Severity, join_key
from sdk.helm import default_renderer
from sdk.helm.install_order import is_test_hook
from sdk.helm.package_chart import has_chart, render_for_verification
from sdk.jsonstream import is_json_stream, load_json_stream
from sdk.libyaml_events import SIMPLE_TAGS, STR_TAG, build_documents, plain_value, remembered, with_fallback
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
#: Values of plain scalars seen before, by text (bounded by ``remembered``).
_PLAIN_VALUES: dict[str, Any] = {}
#: PyYAML's safe constructor of scalars, which keeps no state between them (one for all threads).
_SCALARS = yaml.constructor.SafeConstructor()
#: Nesting past which the direct read leaves a document to PyYAML (far past any Kubernetes object).
_DIRECT_DEPTH = 100


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
        """``Deployment/zaken``: how messages name the object (``?`` for a part it lacks)."""
        return f"{self.kind or '?'}/{self.name or '?'}"

    def key(self, field: str = "") -> str:
        """``deploy/app.yaml[0].spec.replicas``: the key of a field of this object."""
        base = f"{self.path}[{self.index}]"
        if self.within:
            base = f"{base}.{self.within}"
        return f"{base}.{field}" if field else base

    def facts(self, field: str = "") -> dict[str, Any]:
        """The data every finding about this object carries: which object, where."""
        return {"object": self.ref, "objectKind": self.kind, "objectName": self.name,
                "file": self.path, "field": field}

    def finding(self, severity: Severity, code: str, field: str, data: FindingData) -> Finding:
        """A finding about ``field`` of this object, its words from the catalogue
        (the templates start with the object, ``{object}: ...``)."""
        return Finding(code, severity, "", self.key(field), data={**self.facts(field), **data})

    def error(self, code: str, field: str, **data: Any) -> Finding:
        return self.finding(Severity.ERROR, code, field, data)

    def warning(self, code: str, field: str, **data: Any) -> Finding:
        return self.finding(Severity.WARNING, code, field, data)


@dataclass(frozen=True)
class Container:
    """A container of a pod template, with the field path that leads to it."""

    field: str
    body: Mapping[str, Any]
    list_name: str  # "containers", "initContainers" or "ephemeralContainers"

    @property
    def name(self) -> str:
        return str(self.body.get("name") or "?")

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
    # Results that checks derive from the objects alone, by the check's own key, so that
    # every profile and Kubernetes version asking the same question shares one answer.
    derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def mappings(self) -> Iterator[KubeObject]:
        """Objects that are mappings (others are reported by the schema check)."""
        for obj in self.objects:
            checkpoint()
            if obj.is_mapping:
                yield obj


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
    limit = document_limit()
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
        json_stream = is_json_stream(rendered.text)
        try:
            documents = _documents(rendered.text, json_stream, limit - len(objects) + 1)
        except (yaml.YAMLError, ValueError, RecursionError) as exc:
            findings += _parse_problem(path, raw, rendered.text != text, json_stream, exc)
            continue
        objects += [item for index, doc in enumerate(documents)
                    for item in list_items(KubeObject(path, index, doc))]
        if _over_limit(objects, limit, path, findings):
            return Deploy(tuple(objects), tuple(findings))
    if has_chart(package):  # the seam: rendered chart objects join the deploy/ ones
        chart = render_for_verification(package, default_renderer(), values)
        findings += chart.findings
        for manifest in chart.manifests:
            try:
                documents = _documents(manifest.text, False, limit - len(objects) + 1)
            except (yaml.YAMLError, RecursionError) as exc:
                findings.append(Finding.error("helm.invalid-yaml", key=manifest.template_path, data={
                    "template": manifest.template_path, "detail": " ".join(str(exc).split())[:300]}))
                continue
            objects += [item for index, doc in enumerate(documents) if not is_test_hook(doc)
                        for item in list_items(KubeObject(manifest.template_path, index, doc))]
            if _over_limit(objects, limit, manifest.template_path, findings):
                break
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


def _over_limit(objects: list[KubeObject], limit: int, path: str, findings: list[Finding]) -> bool:
    """Whether the objects read so far pass the package's limit (then cut, with a finding)."""
    if len(objects) <= limit:
        return False
    findings.append(Finding.error("package.too-many-documents", key=path, data={"limit": limit, "path": path}))
    del objects[limit:]
    return True


def _documents(text: str, json_stream: bool, room: int) -> list[Any]:
    """At most ``room`` documents of a rendered file, read as kubectl reads it."""
    if json_stream:
        return load_json_stream(text, room)
    documents = []
    for document in _yaml_documents(text):
        checkpoint()
        if document is not None:
            documents.append(document)
            if len(documents) >= room:
                break
    return documents


def _yaml_documents(text: str) -> Iterator[Any]:
    """The data of each YAML document of ``text`` (None for an empty one), as
    ``yaml.load_all(text, Loader=_KubeLoader)`` gives it.

    Built straight from libyaml's events where they hold only the common things:
    PyYAML's pure-Python constructor over the composed nodes cost about two thirds
    of the read. At the first anchor, alias, explicit tag, merge key, key that is a
    collection, nesting of ``_DIRECT_DEPTH``, or any error, ``yaml.load_all`` reads the
    text again from the start and decides (its errors are the callers'), past the
    documents already given. A repeated key keeps its last value, as in PyYAML."""
    def old(done: int) -> Iterator[Any]:
        return itertools.islice(yaml.load_all(text, Loader=_KubeLoader), done, None)

    if not yaml.__with_libyaml__:
        return old(0)
    direct = build_documents(yaml.parse(text, Loader=_KubeLoader), _scalar, max_depth=_DIRECT_DEPTH,
                             last_key_wins=True)
    return with_fallback(direct, old, (Exception,))


def _scalar(event: Any) -> Any:
    """An untagged scalar's value: plain ones resolved and constructed as ``_KubeLoader`` does."""
    return remembered(_PLAIN_VALUES, event.value, _construct_plain) if event.implicit[0] else event.value


def _construct_plain(text: str) -> Any:
    """A plain scalar's value as ``_KubeLoader`` makes it: text, None, bool, int or float;
    ``UNCOMMON`` for anything else (``<<``) or a constructor's error, left to PyYAML."""
    def construct(tag: str) -> Any:
        return _KubeLoader.yaml_constructors[tag](_SCALARS, yaml.ScalarNode(tag, text))

    return plain_value(_plain_tag(text), text, construct, SIMPLE_TAGS)


def _plain_tag(text: str) -> str:
    """The tag ``_KubeLoader``'s resolver gives a plain scalar (PyYAML's ``BaseResolver.resolve``
    without path resolvers, which it has none of)."""
    resolvers = _KubeLoader.yaml_implicit_resolvers
    for tag, pattern in resolvers.get(text[0] if text else "", []) + resolvers.get(None, []):
        if pattern.match(text):
            return str(tag)
    return STR_TAG


def _parse_problem(
    path: str, raw: bytes, rendered: bool, json_stream: bool, exc: Exception
) -> list[Finding]:
    brief = " ".join(str(exc).split())[:300]
    if isinstance(exc, RecursionError):
        return [Finding.error("kubernetes.too-deep", key=path, data={"path": path})]
    if json_stream:  # the parser's own words stay English
        return [Finding.error("kubernetes.json", key=path, data={"path": path, "problem": brief})]
    if load_yaml_stream(raw, path, limit=document_limit() + 1)[1]:
        return []  # a syntax error that package_layout reports already
    # The parser's own words (English) stay as they are, in data; the sentence around them is ours.
    code = "render.invalid-yaml" if rendered else "kubernetes.yaml"
    data = {"path": path, "problem": brief}
    if rendered:
        data["example"] = '"${hostname}"'  # a placeholder as YAML keeps it text
    return [Finding.error(code, key=path, data=data)]


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
            checkpoint()  # aliases can make one pod spec hold thousands of containers
            if isinstance(item, dict):
                yield Container(join_key(join_key(spec_field, list_name), index), item, list_name)


def workloads(package: PackageView) -> Iterator[tuple[KubeObject, str, Mapping[str, Any]]]:
    """Each object with a pod template, with its pod spec's field path and body."""
    for obj in deploy_of(package).mappings():
        found = pod_spec(obj)
        if found is not None:
            yield obj, found[0], found[1]
