"""Package layout: the files an app must carry besides its manifest."""

from __future__ import annotations

from sdk import hookimpl
from sdk.budget import document_limit
from sdk.findings import Finding
from sdk.helm.package_chart import CHART_DIR, has_chart
from sdk.hookspecs import VerificationContext
from sdk.jsonstream import is_json_stream
from sdk.licences import names_proprietary
from sdk.manifest import LAYERS
from sdk.package import DEPLOY_DIR, PUBLICCODE_ALIAS, PUBLICCODE_PATH, PackageView
from sdk.publiccode import commonground_layer, publiccode_of
from sdk.yamldoc import decode_text, load_yaml_stream

PLUGIN_NAME = "package-layout"
MAX_README_BYTES = 512 * 1024


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    manifest = package.manifest or {}
    findings: list[Finding] = []
    proprietary = names_proprietary(manifest.get("license"))
    findings += _publiccode_name(package)
    if not proprietary and not package.exists(package.publiccode_path()):
        findings.append(Finding.error("package.publiccode-missing", key=PUBLICCODE_PATH,
                                      data={"path": PUBLICCODE_PATH}))
    if package.manifest is not None and manifest.get("layer") is None:
        findings.extend(_layer_from_publiccode(package))
    deploy = package.deploy_files()
    if not deploy and not has_chart(package) and not package.charts_in_deploy():
        findings.append(Finding.warning("package.no-deploy", key=DEPLOY_DIR,
                                        data={"path": DEPLOY_DIR, "chart": CHART_DIR}))
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
        document = package.read(path)
        if document is not None and len(document) > MAX_README_BYTES:
            findings.append(Finding.error("package.document-too-large", key=path,
                                          data={"path": path, "limitKib": MAX_README_BYTES // 1024}))
    return findings


def _publiccode_name(package: PackageView) -> list[Finding]:
    """``publiccode.yaml`` is read when it is the only one, but the standard's name is .yml."""
    if not package.exists(PUBLICCODE_ALIAS):
        return []
    if package.publiccode_path() == PUBLICCODE_ALIAS:
        return [Finding.warning("package.publiccode-yaml", key=PUBLICCODE_ALIAS)]
    return [Finding.warning("package.publiccode-both", key=PUBLICCODE_ALIAS)]


def _layer_from_publiccode(package: PackageView) -> list[Finding]:
    if commonground_layer(publiccode_of(package)) is not None:
        return [Finding.info("manifest.layer-from-publiccode", key="layer")]
    return [Finding.error("manifest.missing-key", key="layer", data={"field": "layer", "allowed": list(LAYERS)})]
