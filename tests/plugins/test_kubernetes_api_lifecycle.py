"""Removed and deprecated built-in APIs at every version of a profile.

Cases after Fairwinds pluto's ``versions.yaml`` and the Kubernetes deprecated
API migration guide: removed is an error naming the release and the
replacement; deprecated but served is a warning naming the release that
removes it; neither is ever taken for a custom resource.
"""

from __future__ import annotations

import pytest

from plugins.kubernetes_removed_apis import LIFECYCLES, lifecycle
from plugins.kubernetes_versions import minor
from sdk.findings import Severity
from sdk.profiles import PlatformProfile
from tests import factories
from tests.plugins.kubernetes_support import by_code, codes, compatibility, package

DEPLOYMENT = factories.DEPLOYMENT.format(name="zaken", digest="a" * 64)
HAVEN = PlatformProfile(id="haven", name="Haven", kubernetes_versions=("1.34", "1.35", "1.36", "1.37"),
                        services=("postgresql",))


def profile(*versions: str) -> PlatformProfile:
    return PlatformProfile(id="p", name="P", kubernetes_versions=versions, services=("postgresql",))


def test_extensions_deployment_is_removed_not_a_custom_resource() -> None:
    old = DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: extensions/v1beta1")
    result = compatibility(package(app=old), HAVEN)
    assert not result.compatible
    assert "kubernetes.undeclared-custom-resource" not in codes(result.findings)
    (finding,) = by_code(result.findings, "kubernetes.removed-api")
    assert finding.key == "deploy/app.yaml[0].apiVersion"
    assert finding.message == ("Deployment/zaken: extensions/v1beta1 Deployment was removed in "
                               "Kubernetes 1.16; use apps/v1.")


def test_alpha_api_of_a_group_the_schemas_no_longer_know() -> None:
    preset = "apiVersion: settings.k8s.io/v1alpha1\nkind: PodPreset\nmetadata: {name: proxy}\nspec: {}\n"
    result = compatibility(package(app=DEPLOYMENT, preset=preset), HAVEN)
    assert codes(result.findings) == {"kubernetes.removed-api"}
    assert "removed in Kubernetes 1.20" in result.findings[0].message


def test_unknown_version_of_a_removed_group_is_no_custom_resource() -> None:
    typo = DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: extensions/v1")
    result = compatibility(package(app=typo), HAVEN)
    (finding,) = by_code(result.findings, "kubernetes.unknown-api")
    assert "use apps/v1" in finding.message


@pytest.mark.parametrize(("api_version", "kind", "version", "code"), [
    ("batch/v1beta1", "CronJob", "1.24", "kubernetes.deprecated-api"),
    ("batch/v1beta1", "CronJob", "1.25", "kubernetes.removed-api"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "kubernetes.deprecated-api"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25", "kubernetes.removed-api"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.21", "kubernetes.deprecated-api"),
    ("networking.k8s.io/v1beta1", "Ingress", "1.22", "kubernetes.removed-api"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.31", "kubernetes.deprecated-api"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "kubernetes.removed-api"),
    ("resource.k8s.io/v1beta1", "ResourceClaim", "1.35", "kubernetes.deprecated-api"),
    ("resource.k8s.io/v1beta1", "ResourceClaim", "1.36", "kubernetes.removed-api"),
    ("storage.k8s.io/v1beta1", "VolumeAttributesClass", "1.37", "kubernetes.deprecated-api"),
])
def test_deprecated_then_removed(api_version: str, kind: str, version: str, code: str) -> None:
    document = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: zaken}}\nspec: {{}}\n"
    result = compatibility(package(app=document), profile(version))
    (finding,) = by_code(result.findings, code)
    assert finding.key == "deploy/app.yaml[0].apiVersion"
    assert finding.severity is (Severity.ERROR if code.endswith("removed-api") else Severity.WARNING)
    assert "kubernetes.undeclared-custom-resource" not in codes(result.findings)


def test_deprecation_names_the_release_that_removes_it() -> None:
    pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: zaken}\n" \
          "spec: {minAvailable: 1, selector: {matchLabels: {app: zaken}}}\n"
    result = compatibility(package(app=pdb), profile("1.24", "1.25"))
    (warning,) = by_code(result.findings, "kubernetes.deprecated-api")
    assert warning.message == ("PodDisruptionBudget/zaken: policy/v1beta1 PodDisruptionBudget is deprecated "
                               "since Kubernetes 1.21 and is removed in 1.25; use policy/v1. (Kubernetes 1.24)")
    (error,) = by_code(result.findings, "kubernetes.removed-api")
    assert error.message.endswith("use policy/v1. (Kubernetes 1.25)")


def test_versions_older_than_the_schemas_still_get_the_removal_table() -> None:
    old = DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: apps/v1beta2")
    result = compatibility(package(app=old), profile("1.15", "1.16"))
    assert {(f.code, f.message.rsplit("(", 1)[-1]) for f in result.findings
            if f.code.startswith("kubernetes.") and "api" in f.code} == {
        ("kubernetes.deprecated-api", "Kubernetes 1.15)"),
        ("kubernetes.removed-api", "Kubernetes 1.16)"),
    }
    assert "kubernetes.version-unchecked" in codes(result.findings)


def test_psp_has_advice_instead_of_a_replacement() -> None:
    entry = lifecycle("policy/v1beta1", "PodSecurityPolicy")
    assert entry is not None and "Pod Security admission" in entry.removal_message()


def test_table_is_consistent() -> None:
    for (api_version, kind), entry in LIFECYCLES.items():
        assert entry.replacement != api_version, (api_version, kind)
        assert entry.deprecated_in or entry.removed_in
        if entry.deprecated_in and entry.removed_in:
            assert minor(entry.deprecated_in) <= minor(entry.removed_in), (api_version, kind)
