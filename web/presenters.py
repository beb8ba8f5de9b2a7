"""Shaping releases for the pages: versions in order, findings by severity,
the compatibility row per profile, install details. No queries here: only
what the loaded objects hold."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import url_for

from registry.models import App, FindingRecord, Release
from registry.services.release_assets import package_path
from sdk.requirements import (
    PLATFORM,
    api_needs,
    external_apis,
    host_app,
    operator_needs,
    service_needs,
)
from sdk.verdicts import Verdict
from sdk.versions import sort_key

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def releases_newest_first(app: App) -> list[Release]:
    return sorted(app.releases, key=lambda r: sort_key(r.version), reverse=True)


def latest_release(app: App) -> Release:
    """The release the catalogue calls latest (never a yanked one while another exists)."""
    ordered = releases_newest_first(app)
    return next((r for r in ordered if r.version == app.latest_version), ordered[0])


def release_findings(release: Release) -> list[FindingRecord]:
    """Findings of the package itself (platform findings are shown per profile)."""
    found = [f for f in release.findings if f.profile is None]
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.code, f.key))


def severity_counts(release: Release) -> dict[str, int]:
    counts = Counter(f.severity for f in release.findings if f.profile is None)
    return {severity: counts.get(severity, 0) for severity in SEVERITY_ORDER}


def yank_reason(release: Release) -> str | None:
    return release.yanks[-1].reason if release.yanked and release.yanks else None


def verdicts(release: Release) -> list[Verdict]:
    """The release's verdict per profile, by the profiles' names, each with its findings most serious first."""
    by_profile: dict[str, list[FindingRecord]] = {}
    for finding in release.findings:
        if finding.profile is not None:
            by_profile.setdefault(finding.profile, []).append(finding)
    return [
        Verdict(c.profile.slug, c.runs, c.meets_policy, tuple(c.failed_policies or ()),
                tuple(f.as_finding() for f in sorted(by_profile.get(c.profile.slug, []),
                                                     key=lambda f: SEVERITY_ORDER.get(f.severity, 3))),
                name=c.profile.name, retired=c.profile.status != "active")
        for c in sorted(release.compatibility, key=lambda c: c.profile.name)
    ]


def runs_nowhere(verdicts: list[Verdict]) -> bool:
    """Verified on active profiles and running on none of them."""
    active = [v for v in verdicts if not v.retired]
    return bool(active) and not any(v.runs for v in active)


def config_values(release: Release) -> list[dict[str, Any]]:
    """The values a municipality supplies at install time, from the manifest."""
    items = (release.manifest or {}).get("config") or []
    return [item for item in items if isinstance(item, dict) and item.get("name")]


def requirements(release: Release) -> dict[str, Any]:
    requires = (release.manifest or {}).get("requires") or {}
    return requires if isinstance(requires, dict) else {}


def needs(release: Release) -> dict[str, Any]:
    """What the release needs, in one shape whatever the manifest's spelling, for the app page."""
    manifest = release.manifest or {}
    host = host_app(manifest)
    services = service_needs(manifest)
    return {
        "host": {"id": host[0], "version": host[1]} if host else None,
        "apis": api_needs(manifest),
        "services": [s for s in services if s.provider == PLATFORM],
        "brought": [s for s in services if s.provider != PLATFORM],
        "operators": operator_needs(manifest),
        "externalApis": external_apis(manifest),
    }


def app_layers(app: Any) -> list[str]:
    """Every layer of an app, the one it names first first."""
    return [layer for layer in (app.layers or "").split(",") if layer] or ([app.layer] if app.layer else [])


def screenshots(texts: dict[str, Any]) -> list[tuple[int, str]]:
    """Screenshots of a publiccode.yml description, with their index."""
    items = texts.get("screenshots") or []
    return [(i, s) for i, s in enumerate(items) if isinstance(s, str) and s.strip()]


def remote_screenshots(texts: dict[str, Any]) -> list[tuple[int, str]]:
    """Only the screenshots on other hosts: for a visitor who may not have the package's own."""
    return [(i, s) for i, s in screenshots(texts) if is_remote(s)]


def is_remote(location: str) -> bool:
    return location.startswith("https://")


def logo(release: Release) -> str | None:
    """The package path of the release's logo (publiccode.yml ``logo``), if it has one there."""
    location = (release.publiccode or {}).get("logo")
    return location if isinstance(location, str) and package_path(location) else None


def readme_images(release: Release) -> Callable[[str], str | None]:
    """Path inside the package -> URL, for the images the release's README shows."""
    def url(reference: str) -> str | None:
        path = package_path(reference)
        if path is None:
            return None
        return url_for("web.release_image", app_id=release.app.slug, version=release.version, path=path)
    return url
