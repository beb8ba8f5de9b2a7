"""Small builders for the Kubernetes check tests: packages from YAML strings,
profiles, and the findings of one profile."""

from __future__ import annotations

from datetime import date
from typing import Any

import pluggy

from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile
from sdk.verification import Compatibility, check_platforms, create_plugin_manager
from tests import factories

PROFILE = PlatformProfile(
    id="test-platform", name="Test platform", kubernetes_versions=("1.34", "1.35"),
    services=("postgresql", "https-certificates"),
)

#: A pod spec that meets every policy, to embed in workloads (indent 6 or 10).
SECURE_CONTAINER = """\
- name: {name}
  image: registry.example/{name}@sha256:{digest}
  resources:
    requests: {{cpu: 100m, memory: 128Mi}}
    limits: {{cpu: "1", memory: 512Mi}}
  readinessProbe: {{httpGet: {{path: /health, port: 8000}}}}
  livenessProbe: {{httpGet: {{path: /health, port: 8000}}}}
  securityContext:
    allowPrivilegeEscalation: false
    capabilities: {{drop: [ALL]}}
"""


def secure_container(name: str, indent: int) -> str:
    text = SECURE_CONTAINER.format(name=name, digest="b" * 64)
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def package(manifest: dict[str, Any] | None = None, **deploy: str) -> PackageView:
    """A package whose deploy/ holds exactly ``deploy`` (``app=...`` -> deploy/app.yaml)."""
    data = manifest if manifest is not None else factories.manifest()
    files = factories.package_files(data)
    del files["deploy/deployment.yaml"]
    for name, text in deploy.items():
        files[f"deploy/{name}.yaml"] = text.encode()
    return PackageView(files=files, manifest=data)


def compatibility(
    view: PackageView, profile: PlatformProfile = PROFILE, today: date | None = None,
    pm: pluggy.PluginManager | None = None,
) -> Compatibility:
    pm = pm or create_plugin_manager(installed=False)
    context = VerificationContext(profiles=(profile,), today=today or date(2026, 11, 1))
    (result,) = check_platforms(pm, view, context)
    return result


def codes(findings: tuple[Finding, ...] | list[Finding]) -> set[str]:
    return {f.code for f in findings}


def by_code(findings: tuple[Finding, ...] | list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]
