"""An object is checked once per distinct schema: Kubernetes versions that define its
kind alike, and profiles that run the same versions, share one check."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import plugins.kubernetes_schema as kubernetes_schema
from plugins import kubernetes_schema_store as store
from sdk.hookspecs import VerificationContext
from sdk.profiles import PlatformProfile
from sdk.verification import check_platforms, create_plugin_manager
from tests.plugins.kubernetes_support import PROFILE, by_code, package

VERSIONS = ("1.34", "1.35", "1.36", "1.37")
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: zaken}
spec:
  ports: [{port: 80, targetPort: 8000}]
  selector: {app: zaken}
  colour: blue
"""


def test_a_kind_defined_alike_in_several_versions_has_one_fingerprint_and_validator() -> None:
    assert len({store.fingerprint(v, "v1", "Service") for v in VERSIONS}) == 1
    assert len({store.fingerprint(v, "apps/v1", "Deployment") for v in VERSIONS}) == len(VERSIONS)
    assert store.fingerprint("1.34", "v1", "NoSuchKind") is None
    schemas = store.SchemaStore()
    assert len({id(schemas.validator(v, "v1", "Service")) for v in VERSIONS}) == 1
    assert schemas.compiled == 1


def test_profiles_and_versions_share_the_check_and_each_names_every_version(
        monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    check = kubernetes_schema._check

    def counting(schemas: store.SchemaStore, obj: Any, schema: str) -> Any:
        checked.append(schema)
        return check(schemas, obj, schema)

    monkeypatch.setattr(kubernetes_schema, "_check", counting)
    profiles = tuple(PlatformProfile(id=f"platform-{n}", name=f"Platform {n}", kubernetes_versions=VERSIONS,
                                     services=PROFILE.services) for n in (1, 2))
    context = VerificationContext(profiles=profiles, today=date(2026, 11, 1))
    results = check_platforms(create_plugin_manager(installed=False), package(service=SERVICE), context)
    assert len(checked) == 1  # one object, one distinct schema: 2 profiles x 4 versions asked
    for result in results:
        (unknown,) = by_code(result.findings, "kubernetes.schema")
        assert unknown.key == "deploy/service.yaml[0].spec.colour"
        assert unknown.data["versions"] == list(VERSIONS)  # found in each version, as before
        assert unknown.data["versionNote"] == ""
