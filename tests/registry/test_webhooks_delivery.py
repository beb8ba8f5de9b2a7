"""Webhook deliveries against a real receiver on 127.0.0.1: outages, restarts, order, signatures, retries."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from registry.cli import main
from registry.db import database
from registry.extensions import CLOCK
from registry.models import DELIVERY_DELIVERED, DELIVERY_FAILED, WebhookDelivery, WebhookSubscription, utcnow
from registry.service_factories import webhook_courier
from registry.services.webhooks.secrets import SecretUnreadable, unseal
from tests.conftest import add_organisation
from tests.registry.advisory_support import osv_body, publish_advisory
from tests.registry.installs_support import PROFILE, bearer, municipality, release, yank
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.webhook_support import Receiver, deliver_all, hook_app, hooks_on, pending, subscribe

RELEASES = ["release.published", "release.yanked"]


@pytest.fixture
def hooks(tmp_path: Path, schema_url: str) -> Iterator[Flask]:
    with hooks_on(tmp_path / "data", schema_url) as application:
        yield application


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiving = Receiver()
    yield receiving
    receiving.stop()


def publish_story(hooks: Flask, token: str) -> None:
    client = hooks.test_client()
    release(client, token, "open-zaak", "1.0.0")
    release(client, token, "klantportaal", "1.0.0")
    release(client, token, "open-zaak", "1.1.0")
    yank(client, token, "open-zaak", "1.0.0", "Lost messages; use 1.1.0.")


def by_app(events: list[dict]) -> dict[str, list[tuple[str, str]]]:
    order: dict[str, list[tuple[str, str]]] = {}
    for event in events:
        order.setdefault(event["data"]["app"], []).append((event["type"].rpartition(".")[2], event["subject"]))
    return order


def test_a_receiver_down_for_a_while_gets_every_event_once_in_order_and_signed(hooks: Flask,
                                                                               receiver: Receiver) -> None:
    token = add_organisation(hooks, "dimpact")
    hook = subscribe(hooks.test_client(), "dimpact", token, receiver.url, RELEASES)
    publish_story(hooks, token)
    courier = webhook_courier(hooks)
    for _ in range(3):  # the receiver is down: every attempt fails
        courier.deliver_due()
        time.sleep(0.1)  # past the retry's back-off (0.01 s, doubled, with jitter): a refused call returns at once
    rows = pending(hooks)
    assert [r.envelope["data"]["app"] for r in rows] == ["open-zaak", "klantportaal", "open-zaak", "open-zaak"]
    assert rows[0].attempts >= 2 and "no answer" in rows[0].last_error
    assert rows[2].attempts == rows[3].attempts == 0  # held back behind open-zaak's first event

    receiver.start()
    deliver_all(hooks)

    events = receiver.verified_events(hook["secret"])
    assert len({e["id"] for e in events}) == len(events) == 4
    assert by_app(events) == {"open-zaak": [("published", "1.0.0"), ("published", "1.1.0"), ("yanked", "1.0.0")],
                              "klantportaal": [("published", "1.0.0")]}
    first = next(r for r in receiver.received if r.event["data"]["app"] == "open-zaak")
    assert first.headers["Content-Type"] == "application/cloudevents+json"
    assert first.headers["Webhook-Id"] == first.event["id"]
    assert {k: first.event[k] for k in ("specversion", "type", "source", "datacontenttype")} == {
        "specversion": "1.0", "type": "nl.gemeente-appstore.release.published",
        "source": "/api/v1/apps/open-zaak", "datacontenttype": "application/json"}
    assert first.event["time"].endswith("Z") and first.event["data"]["publisher"] == "dimpact"


def test_a_restarted_registry_loses_nothing_also_what_a_stopped_worker_had_claimed(
        tmp_path: Path, schema_url: str, receiver: Receiver) -> None:
    before = hook_app(tmp_path / "data", schema_url)
    token = add_organisation(before, "dimpact")
    hook = subscribe(before.test_client(), "dimpact", token, receiver.url, RELEASES)
    publish_story(before, token)
    assert len(webhook_courier(before).claim(1)) == 1  # a worker claims, then its registry stops before posting
    database(before).dispose()

    receiver.start()
    after = hook_app(tmp_path / "data", schema_url)
    try:
        webhook_courier(after).deliver_due()  # what nobody holds goes at once
        assert len(receiver.received) == 1  # klantportaal; open-zaak's first is still leased
        after.extensions[CLOCK] = lambda: utcnow() + timedelta(minutes=10)  # the stopped worker's lease ends
        deliver_all(after)
    finally:
        database(after).dispose()
    # (signed at the moved clock's time)
    assert by_app(receiver.verified_events(hook["secret"], tolerance=3600))["open-zaak"] == [
        ("published", "1.0.0"), ("published", "1.1.0"), ("yanked", "1.0.0")]
    assert len(receiver.received) == 4


def test_workers_side_by_side_post_each_event_once(hooks: Flask, receiver: Receiver) -> None:
    token = add_organisation(hooks, "dimpact")
    hook = subscribe(hooks.test_client(), "dimpact", token, receiver.url, RELEASES)
    client = hooks.test_client()
    for number in range(4):
        release(client, token, f"app-{number}", "1.0.0")
        release(client, token, f"app-{number}", "1.1.0")
    receiver.start()
    couriers = [webhook_courier(hooks) for _ in range(3)]
    threads = [threading.Thread(target=lambda c=c: [c.deliver_due(limit=2) for _ in range(20)]) for c in couriers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliver_all(hooks)
    events = receiver.verified_events(hook["secret"])
    assert len(events) == len({e["id"] for e in events}) == 8
    assert all(versions == [("published", "1.0.0"), ("published", "1.1.0")] for versions in by_app(events).values())


def test_after_the_last_attempt_a_delivery_is_failed_visible_and_can_be_sent_again(
        tmp_path: Path, schema_url: str, receiver: Receiver) -> None:
    hooks = hook_app(tmp_path / "data", schema_url, WEBHOOK_MAX_ATTEMPTS=2)
    token = add_organisation(hooks, "dimpact")
    client = hooks.test_client()
    hook = subscribe(client, "dimpact", token, receiver.url, ["release.published"])
    receiver.answers = [500, 503]
    receiver.start()
    release(client, token, "open-zaak", "1.0.0")
    deliver_all(hooks)
    log = client.get(hook["links"]["deliveries"], headers=bearer(token)).json
    assert log["total"] == 1
    [entry] = log["items"]
    assert (entry["status"], entry["attempts"], entry["lastStatusCode"]) == ("failed", 2, 503)
    assert "503" in entry["lastError"] and entry["event"]["data"]["version"] == "1.0.0"

    again = client.post(f"{hook['links']['deliveries']}/{entry['id']}/redelivery", headers=bearer(token))
    assert again.status_code == 200 and again.json["status"] == "pending"
    deliver_all(hooks)
    assert [e["id"] for e in receiver.verified_events(hook["secret"])] == [entry["eventId"]]
    assert client.get(hook["links"]["deliveries"], headers=bearer(token)).json["items"][0]["status"] == "delivered"
    database(hooks).dispose()


def test_the_secret_is_kept_encrypted_with_the_instance_secret(hooks: Flask, receiver: Receiver) -> None:
    token = add_organisation(hooks, "dimpact")
    hook = subscribe(hooks.test_client(), "dimpact", token, receiver.url, RELEASES)
    assert hook["secret"].startswith("whsec_")
    assert "secret" not in hooks.test_client().get(hook["links"]["self"], headers=bearer(token)).json
    with database(hooks).session() as session:
        sealed = session.scalars(select(WebhookSubscription.secret_encrypted)).one()
    assert hook["secret"] not in sealed and hook["secret"][6:] not in sealed
    assert unseal(sealed, hooks.config["SECRET_KEY"]) == hook["secret"]
    with pytest.raises(SecretUnreadable, match="create it again"):
        unseal(sealed, "another instance secret")


def test_a_delivery_whose_secret_no_longer_opens_fails_with_what_to_do(tmp_path: Path, schema_url: str,
                                                                       receiver: Receiver) -> None:
    before = hook_app(tmp_path / "data", schema_url)
    token = add_organisation(before, "dimpact")
    subscribe(before.test_client(), "dimpact", token, receiver.url, RELEASES)
    release(before.test_client(), token, "open-zaak", "1.0.0")
    database(before).dispose()
    after = hook_app(tmp_path / "data", schema_url, SECRET_KEY="a new instance secret")
    receiver.start()
    webhook_courier(after).deliver_due()
    with database(after).session() as session:
        row = session.scalars(select(WebhookDelivery)).one()
    database(after).dispose()
    assert row.status == DELIVERY_FAILED and "APPSTORE_SECRET_KEY" in row.last_error
    assert receiver.received == []


def test_a_deleted_webhook_gets_nothing_more(hooks: Flask, receiver: Receiver) -> None:
    token = add_organisation(hooks, "dimpact")
    client = hooks.test_client()
    hook = subscribe(client, "dimpact", token, receiver.url, RELEASES)
    release(client, token, "open-zaak", "1.0.0")
    assert client.delete(hook["links"]["self"], headers=bearer(token)).status_code == 204
    release(client, token, "open-zaak", "1.1.0")
    receiver.start()
    webhook_courier(hooks).deliver_due()
    assert receiver.received == []
    with database(hooks).session() as session:
        assert [r.status for r in session.scalars(select(WebhookDelivery))] == ["pending"]
    assert DELIVERY_DELIVERED not in {r.status for r in pending(hooks)}


def test_the_deliver_command_posts_what_is_due_and_stops_when_asked_once(hooks: Flask, receiver: Receiver) -> None:
    token = add_organisation(hooks, "dimpact")
    hook = subscribe(hooks.test_client(), "dimpact", token, receiver.url, RELEASES)
    release(hooks.test_client(), token, "open-zaak", "1.0.0")
    receiver.start()
    result = CliRunner().invoke(main, ["webhooks", "deliver", "--once"], obj={"app": hooks})
    assert result.exit_code == 0, result.output
    assert "1 deliveries attempted" in result.output
    assert [e["subject"] for e in receiver.verified_events(hook["secret"])] == ["1.0.0"]


def test_an_advisory_reaches_once_only_the_organisations_that_run_an_affected_release(
        hooks: Flask, receiver: Receiver) -> None:
    put_profile(hooks, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    client = hooks.test_client()
    dimpact = add_organisation(hooks, "dimpact")
    for version in ("1.4.0", "1.5.0", "1.6.0"):
        release(client, dimpact, "open-notificaties", version)
    release(client, dimpact, "open-zaak", "1.0.0")
    utrecht, amsterdam, den_haag = (municipality(hooks, client, slug) for slug in ("utrecht", "amsterdam", "den-haag"))
    for town in (utrecht, amsterdam, den_haag):
        town.environment("test")
    utrecht.environment("productie", stage="production")
    utrecht.install("test", "open-notificaties", "1.4.0")
    utrecht.install("productie", "open-notificaties", "1.5.0")
    amsterdam.install("test", "open-notificaties", "1.4.0")
    amsterdam.install("test", "open-notificaties", "1.6.0")  # upgraded past the flaw before it was known
    den_haag.install("test", "open-zaak", "1.0.0")  # another app only
    elsewhere = Receiver()
    hook = subscribe(client, "utrecht", utrecht.token, receiver.url, ["advisory.published"])
    for town in (amsterdam, den_haag):
        subscribe(client, town.slug, town.token, elsewhere.url, ["advisory.published"])
    subscribe(client, "dimpact", dimpact, elsewhere.url, ["advisory.published"])  # publishes, runs nothing

    advisory = publish_advisory(client, dimpact, osv_body("open-notificaties", fixed="1.6.0"))
    receiver.start()
    elsewhere.start()
    try:
        deliver_all(hooks)
    finally:
        elsewhere.stop()

    assert elsewhere.received == []
    [event] = receiver.verified_events(hook["secret"])
    assert (event["type"], event["subject"], event["source"]) == (
        "nl.gemeente-appstore.advisory.published", advisory["id"], "/api/v1/apps/open-notificaties")
    assert event["data"] == {"app": "open-notificaties", "id": advisory["id"],
                             "affectedVersions": ["1.4.0", "1.5.0"], "summary": advisory["summary"],
                             "severity": "critical", "fixedIn": ["1.6.0"]}
