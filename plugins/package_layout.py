"""Package layout: the files an app must carry besides its manifest."""

from __future__ import annotations

from sdk import hookimpl
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.licences import names_proprietary
from sdk.manifest import LAYERS
from sdk.package import DEPLOY_DIR, MANIFEST_PATH, PUBLICCODE_PATH, PackageView
from sdk.publiccode import commonground_layer, load_publiccode
from sdk.yamldoc import load_yaml_stream

PLUGIN_NAME = "package-layout"
MAX_README_BYTES = 512 * 1024


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    manifest = package.manifest or {}
    findings: list[Finding] = []
    proprietary = names_proprietary(manifest.get("license"))
    if not proprietary and not package.exists(PUBLICCODE_PATH):
        findings.append(Finding.error(
            "package.publiccode-missing",
            f"Open-source apps carry a {PUBLICCODE_PATH} at the package root; "
            "`appstore init` writes one to start from.",
            PUBLICCODE_PATH,
        ))
    if package.manifest is not None and manifest.get("layer") is None:
        findings.extend(_layer_from_publiccode(package))
    deploy = package.deploy_files()
    if not deploy:
        findings.append(Finding.warning(
            "package.no-deploy",
            f"The package has no Kubernetes manifests in {DEPLOY_DIR}; municipalities cannot "
            "install it on their platform. Add them, unless the app is offered only as a service.",
            DEPLOY_DIR,
        ))
    for path in deploy:
        _, problems = load_yaml_stream(package.read(path) or b"", path)
        findings.extend(problems)
    for path in ("README.md", "CHANGELOG.md"):
        raw = package.read(path)
        if raw is not None and len(raw) > MAX_README_BYTES:
            findings.append(Finding.error(
                "package.document-too-large",
                f"{path} is larger than {MAX_README_BYTES // 1024} KiB; shorten it.", path))
    return findings


def _layer_from_publiccode(package: PackageView) -> list[Finding]:
    raw = package.read(PUBLICCODE_PATH)
    data = load_publiccode(raw)[0] if raw is not None else None
    if commonground_layer(data) is not None:
        return [Finding.info(
            "manifest.layer-from-publiccode",
            f"The layer is taken from nl.commonground.layerType in {PUBLICCODE_PATH}; "
            f"state it as `layer` in {MANIFEST_PATH}.",
            "layer",
        )]
    return [Finding.error(
        "manifest.missing-key",
        f"`layer` is required: one of {', '.join(LAYERS)}.",
        "layer",
    )]
