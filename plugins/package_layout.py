"""Package layout: the files an app must carry besides its manifest."""

from __future__ import annotations

from sdk import hookimpl
from sdk.findings import Finding
from sdk.helm.package_chart import CHART_DIR, has_chart
from sdk.hookspecs import VerificationContext
from sdk.manifest import LAYERS, PROPRIETARY_LICENCE
from sdk.package import DEPLOY_DIR, MANIFEST_PATH, PUBLICCODE_ALIAS, PUBLICCODE_PATH, PackageView
from sdk.publiccode import commonground_layer, load_publiccode
from sdk.yamldoc import load_yaml_stream

PLUGIN_NAME = "package-layout"
MAX_README_BYTES = 512 * 1024


@hookimpl(trylast=True)
def appstore_verify_package(package: PackageView, context: VerificationContext) -> list[Finding]:
    manifest = package.manifest or {}
    findings: list[Finding] = []
    proprietary = manifest.get("license") == PROPRIETARY_LICENCE
    findings += _publiccode_name(package)
    if not proprietary and not package.exists(package.publiccode_path()):
        findings.append(Finding.error(
            "package.publiccode-missing",
            f"Open-source apps carry a {PUBLICCODE_PATH} at the package root; "
            "`appstore init` writes one to start from.",
            PUBLICCODE_PATH,
        ))
    if package.manifest is not None and manifest.get("layer") is None:
        findings.extend(_layer_from_publiccode(package))
    deploy = package.deploy_files()
    if not deploy and not has_chart(package) and not package.charts_in_deploy():
        findings.append(Finding.warning(
            "package.no-deploy",
            f"The package has no Kubernetes manifests in {DEPLOY_DIR} and no Helm chart in "
            f"{CHART_DIR}; municipalities cannot install it on their platform. Add them, unless "
            "the app is offered only as a service.",
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


def _publiccode_name(package: PackageView) -> list[Finding]:
    """``publiccode.yaml`` is read when it is the only one, but the standard's name is .yml."""
    if not package.exists(PUBLICCODE_ALIAS):
        return []
    if package.publiccode_path() == PUBLICCODE_ALIAS:
        return [Finding.warning("package.publiccode-yaml", key=PUBLICCODE_ALIAS)]
    return [Finding.warning("package.publiccode-both", key=PUBLICCODE_ALIAS)]


def _layer_from_publiccode(package: PackageView) -> list[Finding]:
    raw = package.read(package.publiccode_path())
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
