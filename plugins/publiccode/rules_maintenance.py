"""Rules for ``maintenance``: who maintains the software, contractors and contacts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins.publiccode import formats
from plugins.publiccode.checks import HTTP_URL, check, enum, require
from plugins.publiccode.report import Report
from plugins.publiccode.vocabularies import MAINTENANCE_TYPES

NEEDS_CONTACTS = ("internal", "community")


def check_maintenance(report: Report, doc: Mapping[str, Any]) -> None:
    maintenance = doc.get("maintenance") or {}
    kind = require(report, maintenance, "type", "maintenance")
    enum(report, kind, MAINTENANCE_TYPES, "maintenance.type")
    contractors = maintenance.get("contractors")
    contacts = maintenance.get("contacts")
    if kind == "contract" and contractors is None:
        report.required("maintenance.contractors", "contract")
    if contractors is not None and kind != "contract":
        report.error("contractors-not-allowed", "maintenance.contractors")
    if kind in NEEDS_CONTACTS and contacts is None:
        report.required("maintenance.contacts", str(kind))
    for i, contractor in enumerate(contractors or []):
        path = f"maintenance.contractors[{i}]"
        require(report, contractor, "name", path)
        _email(report, contractor.get("email"), f"{path}.email")
        check(
            report, contractor.get("website"), f"{path}.website", formats.is_http_url, "invalid-url", HTTP_URL
        )
        until = require(report, contractor, "until", path)
        check(report, until, f"{path}.until", formats.is_date, "invalid-date")
    for i, contact in enumerate(contacts or []):
        path = f"maintenance.contacts[{i}]"
        require(report, contact, "name", path)
        _email(report, contact.get("email"), f"{path}.email")


def _email(report: Report, value: Any, key: str) -> None:
    if isinstance(value, str) and value and not formats.is_email(value):
        report.error("invalid-email", key, name="email", value=value)
