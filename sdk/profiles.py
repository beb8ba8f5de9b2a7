"""Platform profiles: what a shared Kubernetes platform offers and demands.

A profile is a YAML file (``profileVersion: 1``) that curators keep::

    profileVersion: 1
    id: haven                          # slug, unique in the registry
    name: Haven
    description: Platforms that pass the Haven Compliancy Checker.
    kubernetes: ["1.34", "1.35", "1.36", "1.37"]   # minor versions, quoted
    storage:
      accessModes: [ReadWriteOnce, ReadWriteMany]
      classes: []                      # empty: only the platform default class
    services:                          # slugs, or mappings with the service's properties
      - https-certificates
      - postgresql
      - {name: postgresql, version: "16", extensions: [postgis, pg_trgm]}
    customResources:                   # kinds the platform declares: group/version/Kind
      - cert-manager.io/v1/Certificate
    operators:                         # operators the platform runs (see plugins.kubernetes_operators)
      - cert-manager
      - {name: solr-operator, version: "0.8"}
    podSecurity: restricted            # Pod Security level it enforces: privileged | baseline | restricted
    policies:                          # how the platform treats each policy check
      - check: pod-security            # a finding code or a prefix of codes
        bindingFrom: "2027-01-01"      # before it a failure is a warning
      - check: resources
        mode: advisory                 # reported as advice, never refuses an install
    requireSignedReleasesFrom: "2027-01-01"  # from then a release needs its publisher's signature

A verdict has three parts (``sdk.verification``). *Runs*: the hard
requirements a cluster enforces (``RUNS_CHECKS``: Kubernetes API versions and
schemas, custom resources and operators, storage, platform services); no
policy can change those, since a manifest the cluster refuses cannot run,
whatever the date. *Meets the policy*: every other check whose errors the
profile enforces; a policy check without an entry here is binding at once,
one with ``bindingFrom`` from that date, one with ``mode: advisory`` never.
*Advice*: warnings, and failures of advisory policies.
``requireSignedReleasesFrom`` is such a policy too (``signature``): a
release published on or after that date without a checked publisher's
signature does not meet it; the registry judges it, since only the registry
knows who signed.

``podSecurity`` is the level Pod Security admission enforces in the
namespaces apps are installed in; it is evaluated at each Kubernetes version
of the profile. Without it the level is ``restricted``, the Haven default.
``operators`` names the operators the platform runs: their custom resources
need no CustomResourceDefinition in the package, and a package that ships one
still needs the operator (``plugins.kubernetes_operators``).

A service or operator may be listed more than once: each entry is one offer
(PostgreSQL 15 plain, PostgreSQL 16 with PostGIS). An app that asks for a
version or extensions runs where one offer has them all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from sdk.errors import AppstoreError
from sdk.manifest import STORAGE_ACCESS_MODES, is_slug
from sdk.yamldoc import load_yaml

PROFILE_VERSION = 1
#: Families of checks whose errors mean that an app cannot run on a platform: the
#: cluster refuses the object or lacks what it needs. No policy can postpone them.
RUNS_CHECKS: tuple[str, ...] = (
    "kubernetes", "storage", "services", "operators", "render", "helm", "chart", "plugin.crashed",
)
POLICY_MODES = ("binding", "advisory")

_MINOR = re.compile(r"^1\.(0|[1-9][0-9]*)\Z")
_CUSTOM_KIND = re.compile(r"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v[0-9][a-z0-9]*/[A-Z][A-Za-z0-9]*\Z")
_LOOSE_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,2}\Z")
_EXTENSION = re.compile(r"^[a-z][a-z0-9_-]*\Z")
_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*\Z")


def _short(pattern: re.Pattern[str], limit: int) -> Callable[[str], bool]:
    """``pattern`` matches and the text is at most ``limit`` long: nothing outsized reaches a regex."""
    return lambda text: len(text) <= limit and pattern.match(text) is not None


_KEYS = {"profileVersion", "id", "name", "description", "kubernetes", "storage",
         "services", "customResources", "operators", "podSecurity", "policies", "requireSignedReleasesFrom"}
POD_SECURITY_LEVELS = ("privileged", "baseline", "restricted")


@dataclass(frozen=True)
class PolicyBinding:
    """How a profile enforces the policy checks whose code starts with ``code_prefix``.

    From ``binding_from`` on (at once when ``None``) their failures are errors
    that make a release miss the policy; before it they are warnings. An
    ``advisory`` policy is never enforced: its failures are advice.
    """

    code_prefix: str
    binding_from: date | None = None
    advisory: bool = False

    def binding_on(self, today: date) -> bool:
        return not self.advisory and (self.binding_from is None or today >= self.binding_from)

    def covers(self, code: str) -> bool:
        """Whether ``code`` is this check or one below it (``pod-security`` covers
        ``pod-security.privileged``, not ``pod-securityx``)."""
        return code_covered(code, self.code_prefix)


@dataclass(frozen=True)
class ServiceOffer:
    """One service the platform offers, with its major version and extensions where it says so."""

    name: str
    version: str | None = None
    extensions: tuple[str, ...] = ()

    def describe(self) -> str:
        text = f"{self.name} {self.version}" if self.version else self.name
        return f"{text} ({', '.join(self.extensions)})" if self.extensions else text


@dataclass(frozen=True)
class OperatorOffer:
    name: str
    version: str | None = None

    def describe(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


@dataclass(frozen=True)
class PlatformProfile:
    """A shared platform that releases are verified against."""

    id: str
    name: str
    kubernetes_versions: tuple[str, ...]  # minor versions, "1.31"
    storage_access_modes: tuple[str, ...] = ("ReadWriteOnce", "ReadWriteMany")
    storage_classes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    custom_kinds: tuple[str, ...] = ()  # "cert-manager.io/v1/Certificate"
    operators: tuple[str, ...] = ()  # "cert-manager", "cloudnative-pg"
    pod_security: str = "restricted"  # one of POD_SECURITY_LEVELS
    policies: tuple[PolicyBinding, ...] = field(default_factory=tuple)
    description: str = ""
    service_offers: tuple[ServiceOffer, ...] = ()  # empty: one plain offer per name in ``services``
    operator_offers: tuple[OperatorOffer, ...] = ()  # likewise for ``operators``
    require_signed_releases_from: date | None = None  # releases published from then on must be signed

    def offers_of(self, service: str) -> list[ServiceOffer]:
        offers = self.service_offers or tuple(ServiceOffer(name) for name in self.services)
        return [offer for offer in offers if offer.name == service]

    def operator_versions(self, operator: str) -> list[OperatorOffer]:
        offers = self.operator_offers or tuple(OperatorOffer(name) for name in self.operators)
        return [offer for offer in offers if offer.name == operator]


def is_minor_version(text: object) -> bool:
    """A Kubernetes minor version as profiles write it: ``1.34``."""
    return isinstance(text, str) and len(text) <= 8 and _MINOR.match(text) is not None


def code_covered(code: str, prefix: str) -> bool:
    """Whether ``prefix`` names ``code`` or a group of codes it belongs to."""
    prefix = prefix.rstrip(".")
    return code == prefix or code.startswith(prefix + ".")


def is_runs_check(code: str) -> bool:
    """Whether ``code`` belongs to a check of what a cluster enforces (``RUNS_CHECKS``)."""
    return any(code_covered(code, family) for family in RUNS_CHECKS)


def is_always_binding(prefix: str) -> bool:
    """Whether a policy on ``prefix`` would touch a check of what a cluster enforces."""
    return any(code_covered(fixed, prefix) or code_covered(prefix, fixed) for fixed in RUNS_CHECKS)


def load_profile(raw: bytes | str, source: str = "profile") -> PlatformProfile:
    """Read a profile file; every problem is listed in one ``AppstoreError``."""
    data_bytes = raw.encode("utf-8") if isinstance(raw, str) else raw
    data, findings = load_yaml(data_bytes, source)
    if findings:
        raise AppstoreError(findings[0].message, hint="Fix the YAML and load the profile again.")
    if not isinstance(data, dict):
        raise AppstoreError(f"{source} must be a mapping that starts with `profileVersion: 1`.")
    reader = _ProfileReader(data)
    profile = reader.read()
    if reader.problems or profile is None:
        listed = "; ".join(reader.problems)
        raise AppstoreError(f"{source} is not a valid platform profile: {listed}.",
                            hint="See the format in the sdk.profiles module documentation.")
    return profile


@functools.lru_cache(maxsize=1)
def default_profiles() -> tuple[PlatformProfile, ...]:
    """The profiles shipped with the SDK (``sdk/data/profiles/*.yaml``), by id.

    Offline ``appstore check`` uses these; the registry uses its curators' own.
    """
    folder = resources.files("sdk") / "data" / "profiles"
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    return tuple(load_profile(entry.read_bytes(), entry.name) for entry in entries)


class _ProfileReader:
    """Reads one parsed profile and collects every problem with its key."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def read(self) -> PlatformProfile | None:
        d = self.data
        for name in sorted(set(d) - _KEYS):
            self.problem(f"`{name}` is not a profile key (allowed: {', '.join(sorted(_KEYS))})")
        if d.get("profileVersion") != PROFILE_VERSION or isinstance(d.get("profileVersion"), bool):
            self.problem(f"`profileVersion` must be {PROFILE_VERSION}")
        if not is_slug(d.get("id"), (2, 64)):
            self.problem("`id` must be a lowercase slug such as `haven`")
        if not isinstance(d.get("name"), str) or not d["name"].strip():
            self.problem("`name` must be a non-empty text")
        if not isinstance(d.get("description", ""), str):
            self.problem("`description` must be text")
        versions = self.kubernetes(d.get("kubernetes"))
        storage = d.get("storage") or {}
        if not isinstance(storage, dict):
            self.problem("`storage` must be a mapping with `accessModes` and `classes`")
            storage = {}
        for name in sorted(set(storage) - {"accessModes", "classes"}):
            self.problem(f"`storage.{name}` is not a profile key (allowed: accessModes, classes)")
        modes = self.texts(storage, "accessModes", "storage.accessModes", ["ReadWriteOnce"],
                           lambda m: m in STORAGE_ACCESS_MODES, f"one of {', '.join(STORAGE_ACCESS_MODES)}")
        classes = self.texts(storage, "classes", "storage.classes", [], bool, "a storage class name")
        service_offers = self.offers(d, "services", "postgresql", {"name", "version", "extensions"})
        kinds = self.texts(d, "customResources", "customResources", [], _short(_CUSTOM_KIND, 320),
                           "`group/version/Kind`, such as `cert-manager.io/v1/Certificate`")
        operator_offers = self.offers(d, "operators", "cert-manager", {"name", "version"})
        level = d.get("podSecurity", "restricted")
        if level not in POD_SECURITY_LEVELS:
            self.problem(f"`podSecurity` must be one of {', '.join(POD_SECURITY_LEVELS)}")
        policies = self.policies(d.get("policies") or [])
        signed_from = _date(d["requireSignedReleasesFrom"]) if "requireSignedReleasesFrom" in d else None
        if "requireSignedReleasesFrom" in d and signed_from is None:
            self.problem("`requireSignedReleasesFrom` must be a date such as \"2027-01-01\"")
        if self.problems:
            return None
        return PlatformProfile(
            id=d["id"], name=d["name"].strip(), kubernetes_versions=versions,
            storage_access_modes=modes, storage_classes=classes,
            services=tuple(dict.fromkeys(o.name for o in service_offers)),
            custom_kinds=kinds, operators=tuple(dict.fromkeys(o.name for o in operator_offers)),
            pod_security=level, policies=policies, description=str(d.get("description") or "").strip(),
            service_offers=tuple(ServiceOffer(o.name, o.version, o.extensions) for o in service_offers),
            operator_offers=tuple(OperatorOffer(o.name, o.version) for o in operator_offers),
            require_signed_releases_from=signed_from,
        )

    def kubernetes(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.problem('`kubernetes` must list the minor versions the platform runs, e.g. ["1.31", "1.32"]')
            return ()
        for index, item in enumerate(value):
            if isinstance(item, float):
                # YAML reads 1.30 as the number 1.3: the author meant text.
                self.problem(f"`kubernetes[{index}]` must be quoted (\"{item}\" as a number loses its zeros)")
            elif not isinstance(item, str) or not _short(_MINOR, 8)(item):
                self.problem(f"`kubernetes[{index}]` must be a minor version such as \"1.31\"")
        if len(set(map(str, value))) != len(value):
            self.problem("`kubernetes` lists a version twice")
        return tuple(sorted({str(v) for v in value}, key=lambda v: tuple(int(p) for p in v.split(".")))
                     if not self.problems else ())

    def texts(self, mapping: Mapping[str, Any], name: str, key: str, default: list[str],
              valid: Any, what: str) -> tuple[str, ...]:
        value = mapping.get(name, default)
        if not isinstance(value, list):
            self.problem(f"`{key}` must be a list")
            return ()
        for index, item in enumerate(value):
            if not isinstance(item, str) or not valid(item):
                self.problem(f"`{key}[{index}]` must be {what}")
        return tuple(dict.fromkeys(v for v in value if isinstance(v, str)))

    def offers(self, mapping: Mapping[str, Any], name: str, example: str,
               allowed: set[str]) -> tuple[ServiceOffer, ...]:
        """``services`` or ``operators``: slugs, or mappings with a quoted version (and extensions)."""
        value = mapping.get(name, [])
        if not isinstance(value, list):
            self.problem(f"`{name}` must be a list")
            return ()
        found: list[ServiceOffer] = []
        for index, item in enumerate(value):
            key = f"{name}[{index}]"
            if isinstance(item, str):
                item = {"name": item}
            if not isinstance(item, dict) or not is_slug(item.get("name"), (2, 64)):
                self.problem(f"`{key}` must be a slug such as `{example}` or a mapping with `name`")
                continue
            for extra in sorted(set(item) - allowed):
                self.problem(f"`{key}.{extra}` is not a profile key (allowed: {', '.join(sorted(allowed))})")
            version = item.get("version")
            if version is not None and (not isinstance(version, str) or not _short(_LOOSE_VERSION, 32)(version)):
                self.problem(f"`{key}.version` must be a quoted version such as \"16\" or \"0.8\"")
                version = None
            extensions = item.get("extensions", [])
            if not isinstance(extensions, list) or not all(
                    isinstance(e, str) and _short(_EXTENSION, 64)(e) for e in extensions):
                self.problem(f"`{key}.extensions` must be a list of names such as postgis")
                extensions = []
            offer = ServiceOffer(item["name"], version, tuple(dict.fromkeys(extensions)))
            if offer not in found:
                found.append(offer)
        return tuple(found)

    def policies(self, value: Any) -> tuple[PolicyBinding, ...]:
        if not isinstance(value, list):
            self.problem("`policies` must be a list of {check, bindingFrom or mode}")
            return ()
        bindings = []
        for index, item in enumerate(value):
            key = f"policies[{index}]"
            if not isinstance(item, dict) or "check" not in item or not set(item) <= {"check", "bindingFrom", "mode"}:
                self.problem(f"`{key}` must have `check`, and `bindingFrom` or `mode`")
                continue
            check, mode = item["check"], item.get("mode", "binding")
            when = _date(item["bindingFrom"]) if "bindingFrom" in item else None
            if not isinstance(check, str) or not _short(_CODE, 120)(check):
                self.problem(f"`{key}.check` must be a finding code or prefix such as `pod-security`")
                continue
            if is_always_binding(check):
                self.problem(f"`{key}.check` {check} is about whether the app runs at all; "
                             "it is always binding and cannot be a policy")
            if mode not in POLICY_MODES:
                self.problem(f"`{key}.mode` must be one of {', '.join(POLICY_MODES)}")
            if "bindingFrom" in item and when is None:
                self.problem(f"`{key}.bindingFrom` must be a date such as \"2027-01-01\"")
                continue
            if mode == "advisory" and when is not None:
                self.problem(f"`{key}` is advisory, so it has no `bindingFrom`")
            bindings.append(PolicyBinding(check, when, advisory=mode == "advisory"))
        return tuple(bindings)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
