"""Advisories for tests: an OSV body built from a few words, and publishing it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.osv import ECOSYSTEM
from tests.conftest import add_organisation
from tests.registry.installs_support import release

CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def osv_body(app_id: str, *, introduced: str = "0", fixed: str | None = "1.6.0", **fields: Any) -> dict[str, Any]:
    """An advisory about ``app_id``: versions from ``introduced`` up to (not including) ``fixed``."""
    events: list[dict[str, str]] = [{"introduced": introduced}]
    if fixed:
        events.append({"fixed": fixed})
    body: dict[str, Any] = {
        "aliases": ["CVE-2026-12345"],
        "summary": "Berichten van andere gemeenten leesbaar",
        "details": "Een **ontbrekende** autorisatiecontrole.",
        "severity": [{"type": "CVSS_V3", "score": CRITICAL_VECTOR}],
        "affected": [{"package": {"ecosystem": ECOSYSTEM, "name": app_id},
                      "ranges": [{"type": "SEMVER", "events": events}]}],
        "references": [{"type": "ADVISORY", "url": "https://example.org/advisories/1"}],
    }
    body.update(fields)
    return body


def publish_advisory(client: FlaskClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/advisories", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def published(sqlite_app: Flask) -> tuple[FlaskClient, str]:
    """dimpact's open-notificaties 1.4.0, 1.5.0 and 1.6.0 and open-zaak 1.0.0 (SQLite): a client
    and dimpact's token."""
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    for version in ("1.4.0", "1.5.0", "1.6.0"):
        release(client, token, "open-notificaties", version)
    release(client, token, "open-zaak", "1.0.0")
    return client, token
