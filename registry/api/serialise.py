"""JSON shapes of the API (camelCase keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from registry.models import App, FindingRecord, Release


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def finding(record: FindingRecord) -> dict[str, Any]:
    return {"code": record.code, "severity": record.severity, "message": record.message,
            "key": record.key, "plugin": record.plugin}


def app_summary(app: App) -> dict[str, Any]:
    return {
        "id": app.slug,
        "name": app.name,
        "summary": app.summary,
        "publisher": app.organisation.slug,
        "layer": app.layer,
        "categories": list(app.categories or []),
        "license": app.license,
        "latestVersion": app.latest_version,
        "updatedAt": timestamp(app.updated_at),
        "links": {"self": url_for("api.get_app", app_id=app.slug, _external=True)},
    }


def app_detail(app: App) -> dict[str, Any]:
    body = app_summary(app)
    body["publisherName"] = app.organisation.name
    body["releases"] = [
        {
            "version": r.version,
            "status": r.status,
            "publishedAt": timestamp(r.published_at),
            "sha256": r.artifact_sha256,
            "links": {"self": url_for("api.get_release", app_id=app.slug, version=r.version, _external=True)},
        }
        for r in sorted(app.releases, key=lambda r: r.id, reverse=True)
    ]
    return body


def compatibility(release: Release) -> list[dict[str, Any]]:
    profiles: dict[str, list[FindingRecord]] = {}
    for record in release.findings:
        if record.profile is not None:
            profiles.setdefault(record.profile, []).append(record)
    return [
        {
            "profile": profile,
            "compatible": not any(r.severity == "error" for r in records),
            "findings": [finding(r) for r in records],
        }
        for profile, records in sorted(profiles.items())
    ]


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
            "self": url_for("api.get_release", app_id=app.slug, version=release.version, _external=True),
            "package": url_for("api.download_package", app_id=app.slug, version=release.version, _external=True),
            "app": url_for("api.get_app", app_id=app.slug, _external=True),
        },
    }
