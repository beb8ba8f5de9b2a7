"""The webhooks page of an organisation: owners and maintainers subscribe, read the
delivery log, send again and delete; the secret is shown once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from registry.db import database
from registry.models import WebhookDelivery, WebhookSubscription
from registry.services.webhooks.secrets import unseal
from tests.conftest import add_organisation
from tests.registry.installs_support import release
from tests.registry.webhook_support import hooks_on
from tests.web.helpers import add_person, csrf_token, sign_in

PAGE = "/organisations/dimpact/webhooks"


@pytest.fixture
def hooks(tmp_path: Path, sqlite_schema_url: str) -> Iterator[Flask]:
    with hooks_on(tmp_path / "data", sqlite_schema_url) as application:
        yield application


@pytest.fixture
def owner(hooks: Flask) -> FlaskClient:
    add_person(hooks, "eva@dimpact.example", "dimpact", "owner")
    client = hooks.test_client()
    assert sign_in(client, "eva@dimpact.example") == 302
    return client


def subscribe(client: FlaskClient, url: str, events: list[str]) -> tuple[int, str]:
    answer = client.post(PAGE, data={"url": url, "events": events, "description": "CMDB",
                                     "csrf_token": csrf_token(client, PAGE)})
    return answer.status_code, answer.get_data(as_text=True)


def test_an_owner_subscribes_and_sees_the_secret_once(hooks: Flask, owner: FlaskClient) -> None:
    status, page = subscribe(owner, "http://127.0.0.1:9/hook", ["release.published", "release.yanked"])
    assert status == 200
    secret = re.search(r'data-testid="webhook-secret">(whsec_[^<]+)<', page)
    assert secret
    with database(hooks).session() as session:
        sealed = session.scalars(select(WebhookSubscription.secret_encrypted)).one()
    assert unseal(sealed, hooks.config["SECRET_KEY"]) == secret.group(1)
    listed = owner.get(PAGE).get_data(as_text=True)
    assert "http://127.0.0.1:9/hook" in listed and secret.group(1) not in listed


def test_a_refused_address_and_no_events_are_errors_on_the_form(owner: FlaskClient) -> None:
    status, page = subscribe(owner, "https://10.1.2.3/hook", ["release.published"])
    assert status == 400 and "Het register roept dit adres niet aan" in page
    status, page = subscribe(owner, "http://127.0.0.1:9/hook", [])
    assert status == 400 and "Kies ten minste één gebeurtenis" in page


def test_the_delivery_log_sends_again_and_a_webhook_is_deleted(hooks: Flask, owner: FlaskClient) -> None:
    assert subscribe(owner, "http://127.0.0.1:9/hook", ["release.published"])[0] == 200
    release(hooks.test_client(), add_organisation(hooks, "dimpact"), "open-zaak", "1.0.0")
    with database(hooks).session() as session:
        session.execute(update(WebhookDelivery).values(status="failed", attempts=10))
        delivery, hook = session.execute(select(WebhookDelivery.id, WebhookDelivery.subscription_id)).one()
    page = owner.get(PAGE).get_data(as_text=True)
    assert "open-zaak" in page and "Mislukt" in page
    again = owner.post(f"{PAGE}/{hook}/deliveries/{delivery}/redelivery", data={"csrf_token": csrf_token(owner, PAGE)})
    assert again.status_code == 302
    with database(hooks).session() as session:
        assert session.scalars(select(WebhookDelivery.status)).one() == "pending"
    assert owner.post(f"{PAGE}/{hook}/delete", data={"csrf_token": csrf_token(owner, PAGE)}).status_code == 302
    assert "heeft nog geen webhook" in owner.get(PAGE).get_data(as_text=True)


def test_members_and_strangers_are_refused(hooks: Flask) -> None:
    add_person(hooks, "lid@dimpact.example", "dimpact", "member")
    add_person(hooks, "ria@utrecht.example", "utrecht", "owner")
    for email in ("lid@dimpact.example", "ria@utrecht.example"):
        client = hooks.test_client()
        sign_in(client, email)
        assert client.get(PAGE).status_code == 403
    assert hooks.test_client().get(PAGE).status_code in (302, 401)
