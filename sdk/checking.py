"""``appstore check``: the registry's verification, run offline on an author's machine.

The same plugin manager (built-in and installed plugins) runs as on the
registry, with no registry facts. A folder is packed in memory with the rules
of ``appstore build`` and opened like an upload, so check, build and the
registry see the same files.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy

from sdk.archive import open_package
from sdk.budget import Budget, OutOfTime, WorkLimits
from sdk.builder import archive_bytes
from sdk.errors import AppstoreError, PackageRejected
from sdk.findings import Finding, has_errors, sorted_findings
from sdk.folder import select_files
from sdk.hookspecs import VerificationContext
from sdk.package import MANIFEST_PATH, PUBLICCODE_ALIAS, PUBLICCODE_PATH, PackageView
from sdk.profiles import PlatformProfile, default_profiles, is_minor_version, load_profile
from sdk.verdicts import Verdict, runs_nowhere
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
            "runsNowhere": runs_nowhere(self.verdicts()),
            "findings": [f.to_dict() for f in self.findings],
            "compatibility": [v.to_dict() for v in self.verdicts()],
        }

    def verdicts(self) -> list[Verdict]:
        return [Verdict.of(c) for c in self.compatibility]


def choose_profiles(
    names: Sequence[str] = (),
    kubernetes: Sequence[str] = (),
    fetch: Callable[[str], Mapping[str, Any]] | None = None,
) -> tuple[PlatformProfile, ...]:
    """The profiles ``check`` judges against: each name is a profile file, a profile
    shipped with the SDK, or (with ``fetch``) one the registry keeps; none means the
    shipped ones. ``kubernetes`` narrows each to those Kubernetes minor versions."""
    shipped = {p.id: p for p in default_profiles()}
    chosen = [_profile(name, shipped, fetch) for name in names] or list(shipped.values())
    if kubernetes:
        wanted = tuple(dict.fromkeys(kubernetes))
        bad = [v for v in wanted if not is_minor_version(v)]
        if bad:
            raise AppstoreError(f"--kubernetes {bad[0]} is not a minor version.", hint="Write it as 1.34.")
        chosen = [dataclasses.replace(p, kubernetes_versions=wanted) for p in chosen]
    return tuple(chosen)


def _profile(name: str, shipped: Mapping[str, PlatformProfile],
             fetch: Callable[[str], Mapping[str, Any]] | None) -> PlatformProfile:
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        try:
            return load_profile(path.read_bytes(), str(path))
        except OSError as exc:
            raise AppstoreError(f"{path} cannot be read: {exc.strerror or exc}.",
                                hint="Give a profile file or the id of a platform profile.") from exc
    if name in shipped:
        return shipped[name]
    if fetch is None:
        raise AppstoreError(f"There is no platform profile {name!r} here.",
                            hint=f"Give a profile file, one of {', '.join(sorted(shipped))}, or a registry "
                                 "with --registry to use the profiles it keeps.")
    return load_profile(json.dumps(profile_document(fetch(name))), f"profile {name}")


def profile_document(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A profile in the registry's API as the profile file it was loaded from."""
    policies = []
    for policy in entry.get("policies") or ():
        item = {"check": policy.get("check")}
        if policy.get("mode") == "advisory":
            item["mode"] = "advisory"
        elif policy.get("bindingFrom"):
            item["bindingFrom"] = policy["bindingFrom"]
        policies.append(item)
    return {
        "profileVersion": 1, "id": entry.get("id"), "name": entry.get("name"),
        "description": entry.get("description") or "", "kubernetes": entry.get("kubernetesVersions"),
        "storage": {"accessModes": entry.get("storageAccessModes") or [], "classes": entry.get("storageClasses") or []},
        "services": _offers(entry.get("serviceOffers")) or entry.get("services") or [],
        "customResources": entry.get("customResources") or [],
        "operators": _offers(entry.get("operatorOffers")) or entry.get("operators") or [],
        "podSecurity": entry.get("podSecurity") or "restricted",
        "policies": policies,
    }


def _offers(items: Any) -> list[Any]:
    """Offers as a profile file writes them: a slug, or a mapping where it names a version or extensions."""
    offers: list[Any] = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            fields = {k: v for k, v in item.items() if v not in (None, [])}
            offers.append(fields if set(fields) - {"name"} else fields.get("name"))
    return offers


def offline_context(profiles: tuple[PlatformProfile, ...] | None = None) -> VerificationContext:
    """The context of an offline check: no registry facts, the SDK's platform profiles."""
    return VerificationContext(registry=None, profiles=default_profiles() if profiles is None else profiles)


def check_path(
    path: Path,
    pm: pluggy.PluginManager | None = None,
    context: VerificationContext | None = None,
    limits: WorkLimits | None = None,
) -> CheckReport:
    """Check a project folder or a built package archive, within the work ``limits``."""
    path = Path(path)
    if not path.exists():
        raise AppstoreError(f"{path} does not exist.",
                            hint="Give a project folder or a .tar.gz package built by `appstore build`.")
    pm = pm or create_plugin_manager()
    context = context or offline_context()
    limits = limits or WorkLimits()
    if path.is_dir():
        data = archive_bytes(select_files(path))
        with tempfile.TemporaryDirectory(prefix="appstore-check-") as tmp:
            archive = Path(tmp) / "package.tar.gz"
            archive.write_bytes(data)
            return _check_archive(archive, str(path), pm, context, origin="folder", limits=limits)
    try:
        return _check_archive(path, str(path), pm, context, origin="archive", limits=limits)
    except OSError as exc:
        raise AppstoreError(f"{path} cannot be read: {exc.strerror or exc}.",
                            hint="Check the file's permissions.") from exc


def _check_archive(
    archive: Path, source: str, pm: pluggy.PluginManager, context: VerificationContext, origin: str,
    limits: WorkLimits,
) -> CheckReport:
    try:
        view, preliminary = open_package(archive, filename=Path(source).name)
    except PackageRejected as rejected:
        return CheckReport(source, False, tuple(sorted_findings(rejected.findings)))
    view = dataclasses.replace(view, origin=origin)
    budget = Budget(limits)  # the registry's default limits, met here before publishing
    decision = verify_package(pm, view, context, preliminary, budget)
    try:
        compatibility = check_platforms(pm, view, context, budget) if view.manifest is not None else []
    except OutOfTime as late:
        findings = sorted_findings([*decision.findings, *late.findings])
        return CheckReport(source, False, tuple(findings), files=tuple(view.names()))
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
