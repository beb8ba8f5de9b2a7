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
from registry.models import AuditEvent, Environment, Installation, InstallationEvent, Yank
from tests import factories
from tests.registry.installs_support import PROFILE, bearer, municipality, release
from tests.registry.test_events import YANK, EventRecorder
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

CLIENTS = 8


def at_once(app: Flask, request: Callable[[FlaskClient], int]) -> Counter[int]:
    """Run ``request`` from CLIENTS threads released together; count the statuses."""
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        client = app.test_client()
        barrier.wait()
        status = request(client)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


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
