"""Event hooks: release published and yanked fire after the commit, and never undo it."""

from __future__ import annotations

import hashlib
import io

from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.services.catalogue import CatalogueService
from registry.services.tokens import TokenService
from sdk import hookimpl
from sdk.hookspecs import ReleaseEvent
from tests import factories

PUBLISH = "/api/v1/releases"
YANK = "/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/yank"


def publish(client: FlaskClient, token: str, archive: bytes):  # type: ignore[no-untyped-def]
    return client.post(PUBLISH, data={"package": (io.BytesIO(archive), "app.tar.gz")},
                       headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")


def yank(client: FlaskClient, token: str, reason: str):  # type: ignore[no-untyped-def]
    return client.post(YANK, json={"reason": reason}, headers={"Authorization": f"Bearer {token}"})


class EventRecorder:
    """Records events, with the release's status as a separate session sees it then."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.events: list[tuple[str, ReleaseEvent, str | None]] = []

    def _committed_status(self, event: ReleaseEvent) -> str | None:
        # A new session on its own connection sees only what was committed.
        with database(self.app).session() as session:
            try:
                return CatalogueService(session).release(event.app_id, event.version).status
            except Exception:
                return None

    @hookimpl
    def appstore_release_published(self, event: ReleaseEvent) -> None:
        self.events.append(("published", event, self._committed_status(event)))

    @hookimpl
    def appstore_release_yanked(self, event: ReleaseEvent) -> None:
        self.events.append(("yanked", event, self._committed_status(event)))


class BrokenListener:
    @hookimpl(tryfirst=True)  # called before the others
    def appstore_release_published(self, event: ReleaseEvent) -> None:
        raise RuntimeError("the mail server is down")

    @hookimpl(tryfirst=True)
    def appstore_release_yanked(self, event: ReleaseEvent) -> None:
        raise RuntimeError("the mail server is down")


def actor_of(app: Flask, token: str) -> str:
    with database(app).session() as session:
        return TokenService(session).authenticate(token).actor


def test_publish_fires_after_commit_with_the_release(app: Flask, client: FlaskClient, token: str,
                                                     register_plugin) -> None:  # type: ignore[no-untyped-def]
    recorder = EventRecorder(app)
    register_plugin(recorder, name="recorder")
    archive = factories.package()

    assert publish(client, token, archive).status_code == 201

    expected = ReleaseEvent(app_id="zaakafhandelcomponent", version="1.4.0", publisher="dimpact",
                            sha256=hashlib.sha256(archive).hexdigest(), actor=actor_of(app, token))
    assert recorder.events == [("published", expected, "published")]


def test_rejected_publish_fires_nothing(client: FlaskClient, token: str, app: Flask,
                                        register_plugin) -> None:  # type: ignore[no-untyped-def]
    recorder = EventRecorder(app)
    register_plugin(recorder, name="recorder")
    assert publish(client, token, factories.package(factories.manifest(layer="presentation"))).status_code == 422
    assert recorder.events == []


def test_yank_fires_after_commit_with_the_reason(app: Flask, client: FlaskClient, token: str,
                                                 register_plugin) -> None:  # type: ignore[no-untyped-def]
    archive = factories.package()
    publish(client, token, archive)
    recorder = EventRecorder(app)
    register_plugin(recorder, name="recorder")

    assert yank(client, token, "Lek in 1.4.0; installeer 1.4.1").status_code == 200

    expected = ReleaseEvent(app_id="zaakafhandelcomponent", version="1.4.0", publisher="dimpact",
                            sha256=hashlib.sha256(archive).hexdigest(), actor=actor_of(app, token),
                            reason="Lek in 1.4.0; installeer 1.4.1")
    assert recorder.events == [("yanked", expected, "yanked")]


def test_failing_listener_undoes_nothing_and_others_still_hear(app: Flask, client: FlaskClient, token: str,
                                                                register_plugin) -> None:  # type: ignore[no-untyped-def]
    recorder = EventRecorder(app)
    register_plugin(recorder, name="recorder")
    register_plugin(BrokenListener(), name="broken")

    assert publish(client, token, factories.package()).status_code == 201
    assert yank(client, token, "Lek in 1.4.0").status_code == 200

    assert client.get("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0").json["status"] == "yanked"
    assert [kind for kind, _, _ in recorder.events] == ["published", "yanked"]
