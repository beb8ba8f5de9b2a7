"""JSON shapes of organisations' public profiles and of commercial modules (camelCase keys)."""

from __future__ import annotations

from typing import Any

from registry.api.timestamps import timestamp
from registry.models import App, CommercialDownload, Entitlement, Interest, Organisation
from registry.public_urls import external_url_for
from registry.services.interest import InterestSummary


def organisation(record: Organisation) -> dict[str, Any]:
    """The public profile: which kind of identifier a curator checked, not the number itself
    (that stays in the registry and its audit log)."""
    return {
        "slug": record.slug,
        "name": record.name,
        "kind": record.kind,
        "verified": record.verified,
        "identifierType": record.identifier_type if record.verified else None,
        "verifiedAt": timestamp(record.verified_at) if record.verified else None,
        "links": {"self": external_url_for("api.get_organisation", org=record.slug)},
    }


def listing(app: App) -> dict[str, Any] | None:
    record = getattr(app, "listing", None)
    if record is None:
        return None
    framework = None
    if record.framework_name:
        framework = {"name": record.framework_name, "url": record.framework_url}
    return {
        "pricing": {"model": record.pricing_model, "note": record.pricing_note},
        "hosting": list(record.hosting or []),
        "support": {"hours": record.support_hours, "note": record.support_note},
        "contact": {"name": record.contact_name, "email": record.contact_email,
                    "phone": record.contact_phone, "url": record.contact_url},
        "frameworkAgreement": framework,
        "updatedAt": timestamp(record.updated_at),
    }


def entitlement(record: Entitlement) -> dict[str, Any]:
    return {
        "app": record.app.slug,
        "organisation": record.organisation.slug,
        "organisationName": record.organisation.name,
        "grantedAt": timestamp(record.granted_at),
    }


def interest(summary: InterestSummary) -> dict[str, Any]:
    body: dict[str, Any] = {"count": summary.count}
    if summary.registered is not None:
        body["registered"] = summary.registered
    if summary.interests is not None:
        body["organisations"] = [_interested(i) for i in summary.interests]
    return body


def _interested(record: Interest) -> dict[str, Any]:
    return {
        "organisation": record.organisation.slug,
        "organisationName": record.organisation.name,
        "registeredAt": timestamp(record.registered_at),
    }


def download(record: CommercialDownload) -> dict[str, Any]:
    return {
        "version": record.release.version,
        "organisation": record.organisation.slug,
        "organisationName": record.organisation.name,
        "kind": record.kind,
        "downloadedAt": timestamp(record.at),
    }
