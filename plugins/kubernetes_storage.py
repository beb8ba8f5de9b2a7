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
    """What the claim's ``storageClassName`` means on ``profile``.

    Left out or null, the claim gets the platform's default class: nothing to
    say. An empty text turns dynamic provisioning off.
    """
    name = claim.get("storageClassName")
    at = join_key(field, "storageClassName")
    if name is None or not isinstance(name, str) or name in profile.storage_classes:
        return []  # default class, a type error (the schema check), or offered
    if name == "":
        return [obj.warning("storage.no-class", at,
                            "`storageClassName: \"\"` turns dynamic provisioning off, so the claim waits "
                            "for a volume that an administrator made by hand; leave storageClassName "
                            "out to use the platform's default class.")]
    provider = CLOUD_ONLY_CLASSES.get(name)
    if provider is not None:
        return [obj.error("storage.cloud-class", at,
                          f"storage class `{name}` exists only at {provider}, so the claim stays Pending "
                          f"on the other platforms of `{profile.id}`; leave storageClassName out to use "
                          "the platform's default class.")]
    if profile.storage_classes:
        return [obj.error("storage.class", at,
                          f"storage class `{name}` does not exist on platform `{profile.id}` "
                          f"(it has {', '.join(profile.storage_classes)}); leave storageClassName "
                          "out to use the default class.")]
    return [obj.warning("storage.class", at,
                        f"storageClassName `{name}` ties the claim to one platform's naming; leave it "
                        "out so that every platform provisions it from its default class.")]


def _classes(provider: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, provider)


#: Storage classes that one cloud provider's managed Kubernetes creates, and
#: no other platform has. Generic names (``standard``, ``default``) are not
#: here: kind, minikube and others use them too.
CLOUD_ONLY_CLASSES: dict[str, str] = {
    **_classes("Amazon EKS", "gp2", "gp3", "io1", "io2", "st1", "sc1", "ebs-sc", "efs-sc",
               "gp2-csi", "gp3-csi"),
    **_classes("Google GKE", "standard-rwo", "premium-rwo", "standard-rwx", "premium-rwx",
               "enterprise-rwx", "enterprise-multishare-rwx", "hyperdisk-balanced"),
    **_classes("Azure AKS", "managed", "managed-premium", "managed-standard", "managed-csi",
               "managed-csi-premium", "azurefile", "azurefile-premium", "azurefile-csi",
               "azurefile-csi-premium", "azureblob-nfs-premium", "azureblob-fuse-premium"),
    **_classes("DigitalOcean", "do-block-storage", "do-block-storage-retain", "do-block-storage-xfs"),
    **_classes("Linode", "linode-block-storage", "linode-block-storage-retain"),
    **_classes("Hetzner Cloud", "hcloud-volumes"),
    **_classes("Scaleway", "scw-bssd", "scw-bssd-retain", "sbs-default", "sbs-15k"),
    **_classes("OVHcloud", "csi-cinder-classic", "csi-cinder-high-speed", "csi-cinder-high-speed-gen2"),
    **_classes("IBM Cloud", "ibmc-block-gold", "ibmc-block-silver", "ibmc-block-bronze",
               "ibmc-file-gold", "ibmc-file-silver", "ibmc-file-bronze", "ibmc-vpc-block-10iops-tier"),
    **_classes("Oracle OKE", "oci", "oci-bv"),
    **_classes("Alibaba Cloud", "alicloud-disk-ssd", "alicloud-disk-efficiency", "alicloud-disk-essd",
               "alicloud-disk-available"),
}
