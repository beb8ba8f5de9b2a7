"""A pod as Pod Security admission sees it, and what a check refuses in it.

Admission judges the pod spec and the pod's metadata annotations; for a
workload those are its pod template's. Shared by the rules of both levels.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from plugins.kubernetes_objects import Container, KubeObject, containers, pod_spec
from sdk.findings import join_key

Version = tuple[int, int]


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Violation:
    """One field of a pod that a check refuses, with the values behind the words.

    ``data`` holds what the catalogue's wording of ``code`` names (the container,
    the value; ``case`` where a code has several wordings): a finding is
    rendered from it, so no text is made here.
    """

    code: str  # "pod-security.privileged"
    field: str  # field path inside the object
    check: str  # the upstream check id, "privileged"
    # What the pod says and what the check wants; not part of a violation's identity.
    actual: Any = dataclasses.field(default=None, compare=False)
    expected: Any = dataclasses.field(default=None, compare=False)
    data: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}), compare=False)


@dataclass(frozen=True)
class PodTemplate:
    """A pod as admission sees it: its spec, metadata annotations and containers."""

    field: str  # "spec.template.spec"
    spec: Mapping[str, Any]
    annotations: Mapping[str, Any]
    annotations_field: str
    containers: tuple[Container, ...] = dataclasses.field(default=())

    @classmethod
    def of(cls, obj: KubeObject) -> PodTemplate | None:
        found = pod_spec(obj)
        if found is None:
            return None
        spec_field, spec = found
        meta_field = spec_field[: -len("spec")] + "metadata"
        node: Any = obj.body
        for part in meta_field.split("."):
            node = mapping(node).get(part)
        annotations = mapping(mapping(node).get("annotations"))
        return cls(spec_field, spec, annotations, f"{meta_field}.annotations",
                   tuple(containers(spec_field, spec)))

    @property
    def context(self) -> Mapping[str, Any]:
        return mapping(self.spec.get("securityContext"))

    @property
    def context_field(self) -> str:
        return join_key(self.field, "securityContext")

    @property
    def windows(self) -> bool:
        return mapping(self.spec.get("os")).get("name") == "windows"

    @property
    def user_namespace(self) -> bool:
        """``hostUsers: false``: the pod runs in its own user namespace."""
        return self.spec.get("hostUsers") is False

    def contexts(self) -> Iterator[tuple[Mapping[str, Any], str, Mapping[str, Any]]]:
        """(securityContext, its field, who sets it) of the pod and of each container."""
        yield self.context, self.context_field, POD
        for c in self.containers:
            yield context_of(c), c.at("securityContext"), who(c)


def context_of(container: Container) -> Mapping[str, Any]:
    return mapping(container.body.get("securityContext"))


#: Who sets a value, as data: the pod itself (its own wording) or a container.
POD: Mapping[str, Any] = MappingProxyType({"case": "pod"})


def who(container: Container) -> dict[str, Any]:
    return {"container": container.name}


def shown(value: Any) -> str:
    """A value of the pod as its author wrote it in YAML (``null``, ``true``, ``""``), never Python's."""
    if isinstance(value, str):
        return value or '""'
    return json.dumps(value, ensure_ascii=False, default=str)


def plain(value: Any) -> Any:
    """``value`` as finding data: a JSON scalar or a list of them, else its YAML text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple) and all(plain(item) == item and not isinstance(item, list)
                                               for item in value):
        return list(value)
    return shown(value)


Rule = Callable[[PodTemplate], Iterator[Violation]]

