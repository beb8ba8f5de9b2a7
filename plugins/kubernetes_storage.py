"""Storage only in the access modes and classes a platform offers.

A PersistentVolumeClaim in a mode the platform's storage cannot provide stays
Pending and the app never starts. Claims come from PersistentVolumeClaim
objects, StatefulSet volumeClaimTemplates and generic ephemeral volumes; the
modes declared in ``requires.platform.storage`` are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plugins.kubernetes_objects import KubeObject, deploy_of, pod_spec
from sdk import hookimpl
from sdk.findings import Finding, join_key
from sdk.hookspecs import VerificationContext
from sdk.package import PackageView
from sdk.profiles import PlatformProfile

PLUGIN_NAME = "storage"


@hookimpl(trylast=True)
def appstore_verify_platform(
    package: PackageView, profile: PlatformProfile, context: VerificationContext
) -> list[Finding]:
    findings = declared_modes(package, profile)
    declared = set(_requires(package).get("storage") or [])
    offered = ", ".join(profile.storage_access_modes)
    for obj, field, claim in claims(package):
        for index, mode in enumerate(claim.get("accessModes") or []):
            at = join_key(join_key(field, "accessModes"), index)
            if mode not in profile.storage_access_modes:
                findings.append(obj.error("storage.access-mode", at,
                                          f"storage in mode {mode} is not offered by platform "
                                          f"`{profile.id}` (it offers {offered}); use one of those."))
            elif mode not in declared and package.manifest is not None:
                findings.append(obj.warning("storage.undeclared", at,
                                            f"uses {mode} storage; add {mode} to "
                                            "`requires.platform.storage` in appstore.yaml."))
        findings += storage_class(obj, field, claim, profile)
    return findings


def _requires(package: PackageView) -> Mapping[str, Any]:
    requires = (package.manifest or {}).get("requires")
    platform = requires.get("platform") if isinstance(requires, dict) else None
    return platform if isinstance(platform, dict) else {}


def declared_modes(package: PackageView, profile: PlatformProfile) -> list[Finding]:
    """Modes the manifest requires that the platform does not offer."""
    findings = []
    for index, mode in enumerate(_requires(package).get("storage") or []):
        if isinstance(mode, str) and mode not in profile.storage_access_modes:
            findings.append(Finding.error(
                "storage.access-mode",
                f"The app requires {mode} storage, which platform `{profile.id}` does not offer "
                f"(it offers {', '.join(profile.storage_access_modes)}).",
                f"requires.platform.storage[{index}]"))
    return findings


def claims(package: PackageView) -> Iterator[tuple[KubeObject, str, Mapping[str, Any]]]:
    """Every claim spec in the package, with its object and field path."""
    for obj in deploy_of(package).mappings():
        spec = obj.body.get("spec")
        if not isinstance(spec, dict):
            continue
        if obj.kind == "PersistentVolumeClaim" and obj.api_version == "v1":
            yield obj, "spec", spec
        if obj.kind == "StatefulSet":
            for index, template in enumerate(spec.get("volumeClaimTemplates") or []):
                if isinstance(template, dict) and isinstance(template.get("spec"), dict):
                    yield obj, f"spec.volumeClaimTemplates[{index}].spec", template["spec"]
        found = pod_spec(obj)
        if found is not None:
            field, pod = found
            for index, volume in enumerate(pod.get("volumes") or []):
                template = ((volume or {}).get("ephemeral") or {}).get("volumeClaimTemplate") \
                    if isinstance(volume, dict) else None
                if isinstance(template, dict) and isinstance(template.get("spec"), dict):
                    yield (obj, f"{field}.volumes[{index}].ephemeral.volumeClaimTemplate.spec",
                           template["spec"])


def storage_class(obj: KubeObject, field: str, claim: Mapping[str, Any],
                  profile: PlatformProfile) -> list[Finding]:
    if "storageClassName" not in claim:
        return []
    name = claim["storageClassName"]
    at = join_key(field, "storageClassName")
    if profile.storage_classes and name in profile.storage_classes:
        return []
    if profile.storage_classes and name:
        return [obj.error("storage.class", at,
                          f"storage class `{name}` does not exist on platform `{profile.id}` "
                          f"(it has {', '.join(profile.storage_classes)}); leave storageClassName "
                          "unset to use the default class.")]
    return [obj.warning("storage.class", at,
                        f"storageClassName `{name}` ties the claim to one platform's naming; leave it "
                        "unset so that every platform provisions it from its default class.")]
