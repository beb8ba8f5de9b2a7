"""Package layout: the files an app must carry besides its manifest."""

from __future__ import annotations

from sdk import hookimpl
from sdk.budget import document_limit
from sdk.findings import Finding
from sdk.hookspecs import VerificationContext
from sdk.jsonstream import is_json_stream
from sdk.manifest import LAYERS, PROPRIETARY_LICENCE
from sdk.package import DEPLOY_DIR, MANIFEST_PATH, PUBLICCODE_PATH, PackageView
from sdk.publiccode import commonground_layer, load_publiccode
from sdk.yamldoc import decode_text, load_yaml_stream

PLUGIN_NAME = "package-layout"
MAX_README_BYTES = 512 * 1024


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    manifest = package.manifest or {}
    findings: list[Finding] = []
    proprietary = manifest.get("license") == PROPRIETARY_LICENCE
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
    limit = document_limit() + 1  # past the limit, kubernetes_objects refuses the package
    for path in deploy:
        raw = package.read(path) or b""
        text, problems = decode_text(raw, path)
        if text is not None and not is_json_stream(text):  # JSON: kubernetes_objects reads it
            _, problems = load_yaml_stream(raw, path, limit=limit)
        findings.extend(problems)
    # Not shipped, so harmless (bundles take only deploy_files()); but the author
    # may have meant it to be applied (pod.JSON, app.yaml.txt): say so.
    findings += [Finding.warning("package.not-a-manifest", key=path, data={"path": path})
                 for path in package.stray_deploy_files()]
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
