"""The upstream Kubernetes schemas, offline: one compiled validator per
distinct schema of a kind (apiVersion and kind, in one or more Kubernetes
versions) and plugin instance, shared by every manifest and call.

The schemas come from the ``kubernetes-validate`` package, in their strict
form (unknown fields are errors, as ``kubectl apply`` reports them since 1.27).
Each version's ``_definitions.json`` is read once per process: a pure function
of data shipped with the package, immutable once read, and bounded by the
versions shipped. The compiled validators are state of a ``SchemaStore``, which
each plugin instance (one per plugin manager, so per app) owns; a kind's
validator points into the definitions, so nothing is loaded per manifest.

Most kinds are defined alike in several Kubernetes versions (a Service or a
ConfigMap often in all that a profile runs). Each kind's schema in a version has
a fingerprint, the digest of its definition and every definition it refers to:
kinds with one fingerprint are one validator, and an object is checked once per
fingerprint, not once per version and profile.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs
import referencing
import referencing.jsonschema

_SCHEMA_DIR = re.compile(r"^v(\d+)\.(\d+)\.\d+-local-strict$")
_DEFINITIONS_ID = "https://kubernetes.io/api/_definitions.json"
_Validator = jsonschema.Draft202012Validator


def _root() -> Any:
    return resources.files("kubernetes_validate") / "kubernetes-json-schema"


@functools.cache
def available_versions() -> tuple[str, ...]:
    """The Kubernetes minor versions with shipped schemas, oldest first."""
    found = []
    for entry in _root().iterdir():
        match = _SCHEMA_DIR.match(entry.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(f"{major}.{minor}" for major, minor in sorted(found))


def _minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@functools.lru_cache(maxsize=256)  # a profile's few versions, asked for every package on every profile
def schema_version(version: str) -> str | None:
    """The schemas to check ``version`` against: the newest not newer than it,
    or ``None`` when the version is older than every shipped schema."""
    eligible = [v for v in available_versions() if _minor(v) <= _minor(version)]
    return eligible[-1] if eligible else None


@functools.cache
def _definitions(version: str) -> tuple[referencing.Registry, dict[tuple[str, str], str]]:
    """The schema registry of ``version`` and its index of (apiVersion, kind) -> definition."""
    major, minor = _minor(version)
    path = _root() / f"v{major}.{minor}.0-local-strict" / "_definitions.json"
    contents = json.loads(path.read_text(encoding="utf-8"))
    resource = referencing.Resource.from_contents(contents, referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource(_DEFINITIONS_ID, resource).crawl()
    index: dict[tuple[str, str], str] = {}
    for name, schema in contents["$defs"].items():
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        if len(gvks) != 1:
            continue  # DeleteOptions, WatchEvent: shared helper types, not objects
        gvk = gvks[0]
        api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
        index[(api_version, gvk["kind"])] = name
    return registry, index


class SchemaStore:
    """The validators compiled so far, and the API groups of each version."""

    def __init__(self) -> None:
        # Keys are only (version, apiVersion, kind) triples that the shipped
        # schemas define, so the upload cannot grow them beyond the data.
        self._validators: dict[str, jsonschema.protocols.Validator] = {}  # by fingerprint
        self._checkers: dict[str, Any] = {}  # jsonschema_rs validators, by fingerprint
        self._groups: dict[str, frozenset[str]] = {}
        self.compiled = 0  # how many validators this store compiled (each once)

    def validator(self, version: str, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        """The compiled validator of one kind in one version, or ``None`` if it has none."""
        key = fingerprint(version, api_version, kind)
        if key is None:
            return None
        found = self._validators.get(key)
        if found is None:
            registry, index = _definitions(version)
            schema = {"$ref": f"{_DEFINITIONS_ID}#/$defs/{index[(api_version, kind)]}", "type": "object"}
            self._validators[key] = found = _Validator(schema, registry=registry)
            self.compiled += 1
        return found

    def conforms(self, version: str, api_version: str, kind: str, body: Any) -> bool:
        """Whether ``body`` surely conforms to the schema of its kind: asked first of a
        compiled (Rust) validator, as most objects do conform. ``False`` means "ask the
        full validator", which alone words problems; so does anything the fast one
        cannot take (bytes or sets from YAML tags, numbers beyond 64 bits)."""
        key = fingerprint(version, api_version, kind)
        if key is None:
            return False
        checker = self._checkers.get(key)
        if checker is None:
            name = _definitions(version)[1][(api_version, kind)]
            schema = {"$defs": _closure(_contents(version), name), "$ref": f"#/$defs/{name}", "type": "object"}
            # Formats are annotations here, as for the full validator (no format checker).
            self._checkers[key] = checker = jsonschema_rs.Draft202012Validator(schema, validate_formats=False)
        try:
            return bool(checker.is_valid(body))
        except (ValueError, TypeError, OverflowError):
            return False

    def groups(self, version: str) -> frozenset[str]:
        """The API groups built into Kubernetes ``version`` ("" is the core group)."""
        if version not in self._groups:
            self._groups[version] = frozenset(api.rpartition("/")[0] for api, _ in _definitions(version)[1])
        return self._groups[version]


def fingerprint(version: str, api_version: str, kind: str) -> str | None:
    """The digest of the schema of ``kind`` in ``version`` with all it refers to, or
    ``None`` if that version does not define it: equal digests validate alike."""
    name = _definitions(version)[1].get((api_version, kind))
    return _fingerprint(version, name) if name is not None else None


@functools.cache  # keyed by definitions that the shipped schemas name, never by what an upload says
def _fingerprint(version: str, name: str) -> str:
    closure = _closure(_contents(version), name)
    return hashlib.sha256(json.dumps(closure, sort_keys=True).encode()).hexdigest()


@functools.cache
def _contents(version: str) -> dict[str, Any]:
    """The ``$defs`` of ``version`` (the registry of ``_definitions`` holds the same document)."""
    registry = _definitions(version)[0]
    return registry.contents(_DEFINITIONS_ID)["$defs"]


def _closure(definitions: dict[str, Any], name: str) -> dict[str, Any]:
    """``name``'s definition and every definition it refers to, directly or not, by name."""
    found: dict[str, Any] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found or current not in definitions:
            continue  # an unknown name: the validator reports what it cannot resolve
        found[current] = definitions[current]
        pending.extend(_references(definitions[current]))
    return found


def _references(schema: Any) -> list[str]:
    """The definitions a schema refers to (``#/$defs/NAME``)."""
    names, stack = [], [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                names.append(ref.rpartition("/")[2])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def api_versions_of(version: str, kind: str) -> list[str]:
    """Every apiVersion under which Kubernetes ``version`` serves ``kind``."""
    return sorted(api for api, k in _definitions(version)[1] if k == kind)
