"""Who may manage webhooks, which events reach whom, and which addresses the registry calls."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from registry.db import database
from registry.errors import ConfigurationError
from registry.models import Organisation, WebhookDelivery, WebhookSubscription
from registry.service_factories import webhook_courier
from registry.services.webhooks import events
from registry.services.webhooks.addresses import AddressRefused, AllowList
from sdk.webhooks import SignatureError, signature_header, verify
from tests import factories
from tests.conftest import add_organisation
from tests.registry.commercial import MODULE, commercial_manifest, open_market
from tests.registry.installs_support import bearer, municipality, release
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish
from tests.registry.webhook_support import Receiver, hook_app, hooks_on, subscribe

EVERYTHING = list(events.EVENT_TYPES)
HOOKS = "/api/v1/organisations/{org}/webhooks"


@pytest.fixture
def hooks(tmp_path: Path, sqlite_schema_url: str) -> Iterator[Flask]:
    with hooks_on(tmp_path / "data", sqlite_schema_url) as application:
        yield application


def deliveries_by_organisation(app: Flask) -> dict[str, list[str]]:
    with database(app).session() as session:
        rows = session.execute(select(Organisation.slug, WebhookDelivery.event_type)
                               .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                               .join(Organisation, Organisation.id == WebhookSubscription.organisation_id)
                               .order_by(WebhookDelivery.id))
        found: dict[str, list[str]] = {}
        for slug, kind in rows:
            found.setdefault(slug, []).append(kind)
        return found


def test_only_the_organisations_own_token_manages_its_webhooks(hooks: Flask) -> None:
    client = hooks.test_client()
    mine, theirs = add_organisation(hooks, "dimpact"), add_organisation(hooks, "utrecht", "municipality")
    hook = subscribe(client, "dimpact", mine, "http://127.0.0.1:9/hook", ["release.published"])
    url = HOOKS.format(org="dimpact")
    assert client.get(url).status_code == 401
    for method, path in (("GET", url), ("POST", url), ("GET", hook["links"]["self"]),
                         ("DELETE", hook["links"]["self"]), ("GET", hook["links"]["deliveries"])):
        answer = client.open(path, method=method, headers=bearer(theirs),
                             json={"url": "http://127.0.0.1:9/x", "events": ["release.published"]})
        assert answer.status_code == 403, (method, path)
    assert client.get(HOOKS.format(org="utrecht") + f"/{hook['id']}", headers=bearer(theirs)).status_code == 404
    assert client.get(HOOKS.format(org="nobody"), headers=bearer(mine)).status_code == 404
    listed = client.get(url, headers=bearer(mine)).json
    assert listed["total"] == 1 and "secret" not in listed["items"][0]


def test_a_subscription_names_known_events_and_a_url(hooks: Flask) -> None:
    client = hooks.test_client()
    token = add_organisation(hooks, "dimpact")
    answer = client.post(HOOKS.format(org="dimpact"), json={"url": "ftp://x", "events": ["release.eaten"]},
                         headers=bearer(token))
    assert answer.status_code == 400
    assert {(p["name"], p["code"]) for p in answer.json["invalidParams"]} == {("url", "required"),
                                                                            ("events[0]", "enum")}


def test_a_disallowed_address_is_refused_at_subscription(tmp_path: Path, sqlite_schema_url: str) -> None:
    strict = hook_app(tmp_path / "data", sqlite_schema_url, WEBHOOK_ALLOW="public")
    client = strict.test_client()
    token = add_organisation(strict, "dimpact")
    for url in ("http://127.0.0.1:8080/hook", "https://10.1.2.3/hook", "https://[::1]/hook",
                "https://169.254.169.254/latest", "https://localhost/hook", "http://93.184.215.14/hook"):
        answer = client.post(HOOKS.format(org="dimpact"), json={"url": url, "events": ["release.published"]},
                             headers=bearer(token))
        assert answer.status_code == 400, url
        assert answer.json["invalidParams"][0]["name"] == "url"
    database(strict).dispose()


def test_a_disallowed_address_is_refused_at_delivery(tmp_path: Path, sqlite_schema_url: str) -> None:
    receiver = Receiver()
    receiver.start()
    try:
        allowed = hook_app(tmp_path / "data", sqlite_schema_url)
        token = add_organisation(allowed, "dimpact")
        subscribe(allowed.test_client(), "dimpact", token, receiver.url, ["release.published"])
        release(allowed.test_client(), token, "open-zaak", "1.0.0")
        database(allowed).dispose()
        narrowed = hook_app(tmp_path / "data", sqlite_schema_url, WEBHOOK_ALLOW="public")
        webhook_courier(narrowed).deliver_due()
        with database(narrowed).session() as session:
            row = session.scalars(select(WebhookDelivery)).one()
        database(narrowed).dispose()
    finally:
        receiver.stop()
    assert receiver.received == []
    assert row.status == "pending" and row.attempts == 1 and "private, local" in row.last_error


def test_commercial_events_reach_only_the_vendor_and_entitled_organisations(hooks: Flask) -> None:
    market = open_market(hooks)
    for role in ("vendor", "entitled", "unentitled", "other_vendor"):
        org = {"vendor": "acme", "entitled": "utrecht", "unentitled": "zeist", "other_vendor": "globex"}[role]
        subscribe(market.client, org, market.tokens[role] or "", f"http://127.0.0.1:9/{org}", EVERYTHING)
    assert publish(market.client, market.tokens["vendor"],
                   factories.package(commercial_manifest(version="1.5.0"))).status_code == 201
    revoke = market.call("vendor", "DELETE", f"/api/v1/apps/{MODULE}/entitlements/utrecht")
    assert revoke.status_code == 204
    assert deliveries_by_organisation(hooks) == {
        "acme": ["release.published", "entitlement.revoked"],
        "utrecht": ["release.published", "entitlement.revoked"]}


def test_open_source_releases_reach_everyone_installs_only_their_own(hooks: Flask) -> None:
    client = hooks.test_client()
    put_profile(hooks, profile_yaml("gemeentecloud", ["1.30"], services=["postgresql"]))
    dimpact = add_organisation(hooks, "dimpact")
    utrecht, zeist = municipality(hooks, client, "utrecht"), municipality(hooks, client, "zeist")
    for town in (utrecht, zeist):
        subscribe(client, town.slug, town.token, f"http://127.0.0.1:9/{town.slug}", EVERYTHING)
    release(client, dimpact, "open-zaak", "1.0.0")
    utrecht.environment("test")
    utrecht.install("test", "open-zaak")
    with database(hooks).session() as session:
        app = session.scalars(select(events.App).where(events.App.slug == "open-zaak")).one()
        events.advisory_published(session, app, "GAS-2026-1", ["1.0.0"], {"summary": "Lost messages"})
    found = deliveries_by_organisation(hooks)
    assert found == {"utrecht": ["release.published", "installation.recorded", "advisory.published"],
                     "zeist": ["release.published"]}


def test_the_allow_list_reads_hosts_domains_and_networks() -> None:
    allow = AllowList.parse("hooks.gemeente.example, *.dimpact.example, 10.20.0.0/16")
    public = ipaddress.ip_address("93.184.215.14")

    def resolve(host: str, port: int) -> list:
        return {"hooks.gemeente.example": [public], "a.dimpact.example": [ipaddress.ip_address("10.9.9.9")],
                "b.dimpact.example": [public], "elsewhere.example": [public],
                "inside.example": [ipaddress.ip_address("10.20.3.4")]}[host]

    assert allow.check("http://hooks.gemeente.example/x", resolve).port == 80
    assert allow.check("https://b.dimpact.example/x", resolve).addresses == (public,)
    assert allow.check("http://inside.example/x", resolve).host == "inside.example"
    for refused, reason in (("https://a.dimpact.example/x", "private"),  # a listed name rebinding inward
                            ("https://elsewhere.example/x", "allow-list"),
                            ("https://user:pw@hooks.gemeente.example/", "passwords")):
        with pytest.raises(AddressRefused, match=reason):
            allow.check(refused, resolve)
    public_only = AllowList.parse("public")
    with pytest.raises(AddressRefused, match="https"):
        public_only.check("http://elsewhere.example/x", resolve)
    with pytest.raises(AddressRefused, match="registry's own"):
        AllowList(True, (), (), frozenset({public})).check("https://elsewhere.example/x", resolve)
    with pytest.raises(ConfigurationError, match="APPSTORE_WEBHOOK_ALLOW"):
        AllowList.parse("public, hooks/*")


def test_a_receiver_refuses_a_changed_body_an_old_timestamp_and_another_secret() -> None:
    body = b'{"id":"1"}'
    header = signature_header("whsec_a", 1_000_000, body)
    assert verify("whsec_a", header, body, now=1_000_010) == 1_000_000
    for secret, sent, now in (("whsec_a", body + b" ", 1_000_010), ("whsec_a", body, 1_000_301),
                              ("whsec_b", body, 1_000_010)):
        with pytest.raises(SignatureError):
            verify(secret, header, sent, now=now)


@pytest.mark.parametrize("setting", [{"WEBHOOK_ALLOW": "public, hooks/*"}, {"WEBHOOK_MAX_ATTEMPTS": 0},
                                     {"WEBHOOK_TIMEOUT_SECONDS": 0.0}])
def test_webhook_settings_that_cannot_work_stop_the_start(tmp_path: Path, sqlite_schema_url: str,
                                                          setting: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError, match="APPSTORE_WEBHOOK_"):
        hook_app(tmp_path / "data", sqlite_schema_url, **setting)
