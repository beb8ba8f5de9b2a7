"""Clients that send the same change at the same moment, on SQLite and PostgreSQL:
one wins, the others hear 409, and what follows a change happens once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from registry.db import database
from registry.models import App, AuditEvent, Environment, Installation, InstallationEvent, Release, Yank
from tests import factories, threads
from tests.conftest import add_organisation
from tests.registry.installs_support import PROFILE, bearer, municipality, release
from tests.registry.test_events import YANK, EventRecorder
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

CLIENTS = 8


def at_once(app: Flask, request: Callable[[FlaskClient], int]) -> Counter[int]:
    """Run ``request`` from CLIENTS threads released together; count the statuses."""
    results = threads.at_once(lambda: request(app.test_client()), CLIENTS)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        raise failures[0]
    return Counter(result for result in results if isinstance(result, int))


def count(app: Flask, statement) -> int:  # type: ignore[no-untyped-def]
    with database(app).session() as session:
        return session.scalar(statement)


def test_concurrent_yanks_give_one_yank_one_event_one_audit(app: Flask, client: FlaskClient, token: str,
                                                            register_plugin) -> None:  # type: ignore[no-untyped-def]
    assert publish(client, token, factories.package()).status_code == 201
    recorder = EventRecorder(app)
    register_plugin(recorder)
    statuses = at_once(app, lambda c: c.post(YANK, json={"reason": "Lekt gegevens; gebruik 1.4.1."},
                                             headers=bearer(token)).status_code)
    assert statuses == Counter({200: 1, 409: CLIENTS - 1})
    assert count(app, select(func.count()).select_from(Yank)) == 1
    assert count(app, select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "release.yank")) == 1
    assert [kind for kind, _, _ in recorder.events] == ["yanked"]


def test_concurrent_creation_of_one_environment_is_one_201_and_409s(app: Flask, client: FlaskClient) -> None:
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    utrecht = municipality(app, client)
    body = {"name": "productie", "stage": "production", "profile": PROFILE}
    statuses = at_once(app, lambda c: c.post(utrecht.base, json=body, headers=bearer(utrecht.token)).status_code)
    assert statuses == Counter({201: 1, 409: CLIENTS - 1})
    assert count(app, select(func.count()).select_from(Environment)) == 1


def test_concurrent_recordings_of_one_install_are_one_201_and_409s(app: Flask, client: FlaskClient) -> None:
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    from tests.conftest import add_organisation

    release(client, add_organisation(app, "dimpact"), "open-zaak", "1.2.0")
    utrecht = municipality(app, client)
    utrecht.environment("test")
    url = f"{utrecht.base}/test/installations"
    statuses = at_once(app, lambda c: c.post(url, json={"app": "open-zaak", "version": "1.2.0"},
                                             headers=bearer(utrecht.token)).status_code)
    assert statuses == Counter({201: 1, 409: CLIENTS - 1})
    assert count(app, select(func.count()).select_from(Installation)) == 1
    assert count(app, select(func.count()).select_from(InstallationEvent)) == 1


def test_first_versions_of_one_new_app_at_once_all_land_in_the_one_app(app: Flask, token: str) -> None:
    versions = iter(f"1.0.{n}" for n in range(CLIENTS))
    lock = threading.Lock()

    def next_version() -> bytes:
        with lock:
            return factories.package(factories.manifest(id="gelijktijdig", version=next(versions)))

    statuses = at_once(app, lambda c: publish(c, token, next_version()).status_code)
    assert statuses == Counter({201: CLIENTS})  # the publishes that lost the race for the new id published into it
    assert count(app, select(func.count()).select_from(App).where(App.slug == "gelijktijdig")) == 1
    assert count(app, select(func.count()).select_from(Release).join(App).where(App.slug == "gelijktijdig")) == CLIENTS


def test_two_organisations_racing_for_one_new_id_leave_it_to_one(app: Flask, token: str) -> None:
    rival = add_organisation(app, "wigo4it")
    tokens = iter([token, rival] * (CLIENTS // 2))
    lock = threading.Lock()

    def attempt(client: FlaskClient) -> int:
        with lock:
            which = next(tokens)
        publisher = "dimpact" if which == token else "wigo4it"
        archive = factories.package(factories.manifest(id="betwist", publisher=publisher,
                                                       version=f"1.0.{CLIENTS if which == token else 0}"))
        return publish(client, which, archive).status_code

    statuses = at_once(app, attempt)
    assert statuses[201] >= 1 and statuses[201] + statuses[403] + statuses[409] == CLIENTS, statuses
    with database(app).session() as session:
        owner = session.scalars(select(App).where(App.slug == "betwist")).one()
        publishers = set(session.scalars(select(Release.published_by).where(Release.app_id == owner.id)))
    assert publishers == {owner.organisation_id}  # no release of the other organisation got in
