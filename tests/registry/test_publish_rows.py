"""The rows a publish writes around its release (findings, verdicts, audit event) are what its
answer shows, and what a later read of the release shows."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.models import AuditEvent, CompatibilityRecord, FindingRecord
from tests import factories
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish
from tests.registry.test_verdicts import PRIVILEGED, deployment, seed_haven


def test_the_answer_of_a_publish_is_what_is_stored(app: Flask, client: FlaskClient, token: str) -> None:
    seed_haven(app)
    put_profile(app, profile_yaml("streng", ["1.35"], policies="[{check: pod-security}]"))
    archive = factories.package(factories.manifest(id="meldingen"), **{
        "deploy__deployment.yaml": deployment("meldingen", PRIVILEGED), "deploy__notes.txt": "not a manifest"})
    response = publish(client, token, archive)
    assert response.status_code == 201, response.json
    answered = response.json
    assert answered["findings"] and all(entry["findings"] for entry in answered["compatibility"])
    stored = client.get(answered["links"]["self"]).json
    for field in ("findings", "compatibility", "app", "version", "publisher", "sha256", "filename", "size"):
        assert answered[field] == stored[field], field
    with database(app).session() as session:
        findings = session.scalars(select(FindingRecord)).all()
        verdicts = session.scalars(select(CompatibilityRecord)).all()
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "release.publish")).all()
        profiles = sorted(v.profile.slug for v in verdicts)
    assert len(findings) == len(answered["findings"]) + sum(len(e["findings"]) for e in answered["compatibility"])
    assert {f.release_id for f in findings} == {v.release_id for v in verdicts}
    assert profiles == [e["profile"] for e in answered["compatibility"]] == ["haven", "streng"]
    assert [(e.subject, e.details["sha256"]) for e in events] == [
        (f"{answered['app']}@{answered['version']}", answered["sha256"])]
