"""``appstore check``: the registry's verification, run offline on an author's machine.

The same plugin manager (built-in and installed plugins) runs as on the
registry, with no registry facts. A folder is packed in memory with the rules
of ``appstore build`` and opened like an upload, so check, build and the
registry see the same files.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from sdk.archive import open_package
from sdk.builder import archive_bytes
from sdk.errors import AppstoreError, PackageRejected
from sdk.findings import Finding, has_errors, sorted_findings
from sdk.folder import select_files
from sdk.hookspecs import VerificationContext
from sdk.package import MANIFEST_PATH, PUBLICCODE_ALIAS, PUBLICCODE_PATH, PackageView
from sdk.profiles import PlatformProfile, default_profiles
from sdk.verification import Compatibility, check_platforms, create_plugin_manager, verify_package

PACKAGE_GROUP = "(package)"
KNOWN_FILES = (MANIFEST_PATH, PUBLICCODE_PATH, "README.md", "CHANGELOG.md")


@dataclass(frozen=True)
class CheckReport:
    """Everything ``check`` found about one folder or archive."""

    source: str
    accepted: bool
    findings: tuple[Finding, ...]
    compatibility: tuple[Compatibility, ...] = ()
    files: tuple[str, ...] = ()
    sha256: str = ""
    size: int = 0

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    def by_file(self) -> dict[str, list[Finding]]:
        """Findings grouped by the file they are about, in a stable order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(file_of(finding, self.files), []).append(finding)
        return dict(sorted(groups.items(), key=lambda item: (item[0] == PACKAGE_GROUP, item[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "accepted": self.accepted,
            "sha256": self.sha256,
            "size": self.size,
            "findings": [f.to_dict() for f in self.findings],
            "compatibility": [
                {"profile": c.profile, "compatible": c.compatible,
                 "findings": [f.to_dict() for f in c.findings]}
                for c in self.compatibility
            ],
        }


def offline_context(profiles: tuple[PlatformProfile, ...] | None = None) -> VerificationContext:
    """The context of an offline check: no registry facts, the SDK's platform profiles."""
    return VerificationContext(registry=None, profiles=default_profiles() if profiles is None else profiles)


def check_path(
    path: Path,
    pm: pluggy.PluginManager | None = None,
    context: VerificationContext | None = None,
) -> CheckReport:
    """Check a project folder or a built package archive."""
    path = Path(path)
    if not path.exists():
        raise AppstoreError(f"{path} does not exist.",
                            hint="Give a project folder or a .tar.gz package built by `appstore build`.")
    pm = pm or create_plugin_manager()
    context = context or offline_context()
    if path.is_dir():
        data = archive_bytes(select_files(path))
        with tempfile.TemporaryDirectory(prefix="appstore-check-") as tmp:
            archive = Path(tmp) / "package.tar.gz"
            archive.write_bytes(data)
            return _check_archive(archive, str(path), pm, context, origin="folder")
    try:
        return _check_archive(path, str(path), pm, context, origin="archive")
    except OSError as exc:
        raise AppstoreError(f"{path} cannot be read: {exc.strerror or exc}.",
                            hint="Check the file's permissions.") from exc


def _check_archive(
    archive: Path, source: str, pm: pluggy.PluginManager, context: VerificationContext, origin: str
) -> CheckReport:
    try:
        view, preliminary = open_package(archive, filename=Path(source).name)
    except PackageRejected as rejected:
        return CheckReport(source, False, tuple(sorted_findings(rejected.findings)))
    view = dataclasses.replace(view, origin=origin)
    decision = verify_package(pm, view, context, preliminary)
    compatibility = check_platforms(pm, view, context) if view.manifest is not None else []
    return CheckReport(
        source=source,
        accepted=decision.accepted,
        findings=decision.findings,
        compatibility=tuple(compatibility),
        files=tuple(view.names()),
        sha256=view.sha256,
        size=view.size,
    )


def file_of(finding: Finding, files: tuple[str, ...] | list[str] | PackageView) -> str:
    """The file a finding is about, from its key and plugin.

    Keys are archive paths (``deploy/app.yaml[0].spec``) or dot paths into the
    manifest or publiccode.yml, which carry no file name.
    """
    names = files.names() if isinstance(files, PackageView) else files
    key = finding.key
    for name in sorted(names, key=len, reverse=True):
        if key == name or (key.startswith(name) and key[len(name)] in "[.:#/"):
            return name
    if key in KNOWN_FILES:
        return key
    if key.startswith(("deploy/", "chart/", "openapi/")) or key.endswith("/"):
        return key.split("[", 1)[0]
    if finding.code.startswith("publiccode.") or finding.plugin == "publiccode":
        return PUBLICCODE_ALIAS if PUBLICCODE_ALIAS in names and PUBLICCODE_PATH not in names \
            else PUBLICCODE_PATH
    if finding.code.startswith(("archive.", "plugin.")) or not key:
        return PACKAGE_GROUP
    return MANIFEST_PATH
