"""Platform profiles: what a shared Kubernetes platform offers and demands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PolicyBinding:
    """From ``binding_from`` on, failures of checks whose code starts with
    ``code_prefix`` are errors on this profile; before it they are warnings."""

    code_prefix: str
    binding_from: date


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
    policies: tuple[PolicyBinding, ...] = field(default_factory=tuple)
    description: str = ""
