"""JSON shapes of the API (camelCase keys)."""

from __future__ import annotations

from typing import Any

from registry.api.serialise_vendors import listing
from registry.api.timestamps import timestamp
from registry.models import App, FindingRecord, PlatformProfileRecord, Release
from registry.public_urls import external_url_for
from registry.services.profiles import as_profile
from sdk.profiles import PolicyBinding


def finding(record: FindingRecord) -> dict[str, Any]:
    return {"code": record.code, "severity": record.severity, "message": record.message,
            "key": record.key, "plugin": record.plugin, "kind": record.kind, "data": record.data or {}}


def app_summary(app: App) -> dict[str, Any]:
    return {
        "id": app.slug,
        "name": app.name,
        "summary": app.summary,
        "publisher": app.organisation.slug,
        "publisherVerified": app.organisation.verified,
        "verified": app.organisation.verified,  # short alias of publisherVerified
        "layer": app.layer,
        "layers": [layer for layer in (app.layers or "").split(",") if layer],
        "categories": list(app.categories or []),
        "license": app.license,
        "latestVersion": app.latest_version,
        "updatedAt": timestamp(app.updated_at),
        "links": {"self": external_url_for("api.get_app", app_id=app.slug)},
    }


def app_detail(app: App) -> dict[str, Any]:
    body = app_summary(app)
    body["publisherName"] = app.organisation.name
    body["listing"] = listing(app)
    body["releases"] = [
        {
            "version": r.version,
            "status": r.status,
            "publishedAt": timestamp(r.published_at),
            "sha256": r.artifact_sha256,
            "links": {"self": external_url_for("api.get_release", app_id=app.slug, version=r.version)},
        }
        for r in sorted(app.releases, key=lambda r: r.id, reverse=True)
    ]
    return body


def compatibility(release: Release) -> list[dict[str, Any]]:
    """The release's row of the compatibility matrix, one entry per profile it was verified on."""
    findings: dict[str, list[FindingRecord]] = {}
    for record in release.findings:
        if record.profile is not None:
            findings.setdefault(record.profile, []).append(record)
    return [
        {
            "profile": entry.profile.slug,
            "profileStatus": entry.profile.status,
            "runs": entry.runs,
            "meetsPolicy": entry.meets_policy,
            "failedPolicies": list(entry.failed_policies or []),
            "compatible": entry.compatible,
            "checkedAt": timestamp(entry.checked_at),
            "findings": [finding(r) for r in findings.get(entry.profile.slug, [])],
        }
        for entry in sorted(release.compatibility, key=lambda c: c.profile.slug)
    ]


def profile(record: PlatformProfileRecord) -> dict[str, Any]:
    parsed = as_profile(record)
    return {
        "id": record.slug,
        "name": record.name,
        "status": record.status,
        "revision": record.revision,
        "description": parsed.description,
        "kubernetesVersions": list(parsed.kubernetes_versions),
        "storageAccessModes": list(parsed.storage_access_modes),
        "storageClasses": list(parsed.storage_classes),
        "services": list(parsed.services),
        "customResources": list(parsed.custom_kinds),
        "operators": list(parsed.operators),
        "serviceOffers": [{"name": o.name, "version": o.version, "extensions": list(o.extensions)}
                          for o in parsed.service_offers],
        "operatorOffers": [{"name": o.name, "version": o.version} for o in parsed.operator_offers],
        "podSecurity": parsed.pod_security,
        "policies": [policy(p) for p in parsed.policies],
        "updatedAt": timestamp(record.updated_at),
        "links": {"self": external_url_for("api.get_profile", profile_id=record.slug)},
    }


def policy(binding: PolicyBinding) -> dict[str, Any]:
    return {"check": binding.code_prefix, "mode": "advisory" if binding.advisory else "binding",
            "bindingFrom": binding.binding_from.isoformat() if binding.binding_from else None}


def release(release: Release) -> dict[str, Any]:
    app = release.app
    yank = release.yanks[-1] if release.yanks else None
    return {
        "app": app.slug,
        "version": release.version,
        "status": release.status,
        "publisher": app.organisation.slug,
        "sha256": release.artifact_sha256,
        "size": release.artifact.size,
        "filename": release.artifact.filename,
        "publishedAt": timestamp(release.published_at),
        "manifest": release.manifest,
        "publiccode": release.publiccode,
        "findings": [finding(r) for r in release.findings if r.profile is None],
        "compatibility": compatibility(release),
        "yank": {"reason": yank.reason, "yankedAt": timestamp(yank.created_at)} if yank and release.yanked else None,
        "links": {
            "self": external_url_for("api.get_release", app_id=app.slug, version=release.version),
            "package": external_url_for("api.download_package", app_id=app.slug, version=release.version),
            "app": external_url_for("api.get_app", app_id=app.slug),
        },
    }
