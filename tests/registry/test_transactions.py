"""One transaction per request or command: services flush, the caller commits or rolls back once."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from registry.db import database
from registry.errors import RegistryError
from registry.models import AuditEvent, Organisation, OrganisationPreference
from registry.models.core import AuditLogIsAppendOnly
from registry.services import audit
from registry.services.organisations import OrganisationService
from registry.transactions import after_commit
from tests.conftest import add_organisation

SETTINGS = "/api/v1/organisations/amsterdam/settings"


def slugs(app: Flask) -> set[str]:
    with database(app).session() as session:
        return set(session.scalars(select(Organisation.slug)))


def test_two_service_calls_commit_together(app: Flask) -> None:
    with database(app).session() as session:
        OrganisationService(session).create("amsterdam", "Amsterdam", "municipality")
        OrganisationService(session).create("utrecht", "Utrecht", "municipality")
    assert {"amsterdam", "utrecht"} <= slugs(app)


def test_a_failure_in_the_second_service_call_undoes_the_first(app: Flask) -> None:
    with pytest.raises(RegistryError), database(app).session() as session:
        OrganisationService(session).create("amsterdam", "Amsterdam", "municipality")
        OrganisationService(session).create("utrecht", "Utrecht", "no-such-kind")
    assert "amsterdam" not in slugs(app)


def test_work_waiting_for_the_commit_runs_after_it_and_never_after_a_rollback(app: Flask) -> None:
    heard: list[str] = []
    with database(app).session() as session:
        after_commit(session, lambda: heard.append("committed"))
        assert heard == []
    assert heard == ["committed"]
    with pytest.raises(RuntimeError), database(app).session() as session:
        after_commit(session, lambda: heard.append("rolled back"))
        raise RuntimeError("the second call failed")
    assert heard == ["committed"]


def test_a_request_commits_once_when_its_view_returns(app: Flask, client: FlaskClient) -> None:
    token = add_organisation(app, "amsterdam", "municipality")
    commits: list[int] = []
    event.listen(database(app).sessions, "after_commit", lambda _session: commits.append(1))
    response = client.put(SETTINGS, json={"showInAdoption": True}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert len(commits) == 1  # the token's last use, the preference and its audit event: one commit
    with database(app).session() as session:
        assert all(p.show_in_adoption for p in session.scalars(select(OrganisationPreference)))


def test_a_commit_that_fails_is_an_error_response_and_nothing_is_kept(app: Flask, client: FlaskClient) -> None:
    token = add_organisation(app, "amsterdam", "municipality")

    def refuse(_session: Session) -> None:
        raise RuntimeError("the database went away at commit")

    event.listen(database(app).sessions, "before_commit", refuse)
    response = client.put(SETTINGS, json={"showInAdoption": True}, headers={"Authorization": f"Bearer {token}"})
    event.remove(database(app).sessions, "before_commit", refuse)
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    with database(app).session() as session:
        assert session.scalars(select(OrganisationPreference)).first() is None
        assert not [e for e in session.scalars(select(AuditEvent)) if e.action == "organisation.preferences"]


def test_a_view_that_raises_keeps_none_of_its_writes(app: Flask, client: FlaskClient) -> None:
    token = add_organisation(app, "amsterdam", "municipality")
    response = client.put(SETTINGS, json={"show": 1}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    with database(app).session() as session:
        assert session.scalars(select(OrganisationPreference)).first() is None


def test_history_rules_belong_to_the_app_not_to_every_session(app: Flask) -> None:
    with database(app).session() as session:
        audit.record(session, "test", "thing.happen", "subject")
    with database(app).session() as session:
        record = session.scalars(select(AuditEvent)).one()
        record.action = "thing.unhappen"
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
    with Session(database(app).engine) as foreign:  # a session of no registry app: no rules of ours
        record = foreign.scalars(select(AuditEvent)).one()
        record.action = "thing.unhappen"
        foreign.flush()
        foreign.rollback()
