"""Advisories and feeds in the web store (Flask's test client): the warning on app, release and
environment pages, the upgrade plan it offers, and the Atom feeds as a feed reader reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from registry.db import database
from registry.services.news import NewsService, ReleaseNews
from tests.conftest import add_organisation
from tests.registry.advisory_support import osv_body, publish_advisory
from tests.registry.installs_support import PROFILE, bearer, municipality, release, yank
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.web.helpers import add_person, csrf_token, sign_in

ENV = "/organisations/utrecht/environments/test"
ATOM = "application/atom+xml"


@dataclass
class Store:
    client: FlaskClient
    dimpact: str
    advisory: dict[str, Any]


@pytest.fixture
def store(sqlite_app: Flask) -> Store:
    """open-notificaties 1.4.0, 1.5.0 (category notifications) and open-zaak 1.0.0 by dimpact, an
    advisory on open-notificaties up to 1.5.0, and utrecht running 1.4.0 in `test`."""
    client = sqlite_app.test_client()
    put_profile(sqlite_app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    dimpact = add_organisation(sqlite_app, "dimpact")
    release(client, dimpact, "open-notificaties", "1.4.0", categories=["notifications"])
    release(client, dimpact, "open-notificaties", "1.5.0", categories=["notifications"])
    release(client, dimpact, "open-zaak", "1.0.0")
    utrecht = municipality(sqlite_app, client)
    utrecht.environment("test")
    utrecht.install("test", "open-notificaties", "1.4.0")
    add_person(sqlite_app, "eva@utrecht.example", "utrecht", "owner")
    body = osv_body("open-notificaties", fixed="1.5.0", details="**Lek** <script>alert(1)</script>")
    return Store(client, dimpact, publish_advisory(client, dimpact, body))


def alternate_feeds(page: str) -> list[str]:
    return html.fromstring(page).xpath(f'//link[@rel="alternate"][@type="{ATOM}"]/@href')


def visible_feed_links(page: str) -> list[str]:
    return html.fromstring(page).xpath(f'//a[@type="{ATOM}"]/@href')


def test_the_environment_shows_the_affected_install_first_with_a_ready_upgrade_plan(store: Store) -> None:
    client = store.client
    sign_in(client, "eva@utrecht.example")
    page = html.fromstring(client.get(ENV).get_data(as_text=True))
    region = page.xpath('//*[@aria-labelledby="advisories"]')[0]
    assert store.advisory["id"] in region.text_content() and "1.5.0" in region.text_content()
    form = region.xpath(".//form")[0]
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert fields["app"] == "open-notificaties" and fields["version"] == "1.5.0"

    made = client.post(form.get("action"), data=fields)
    assert made.status_code == 302 and re.fullmatch(rf"{ENV}/plans/\d+", made.location)
    plan_page = html.fromstring(client.get(made.location).get_data(as_text=True))
    assert plan_page.xpath('//a[normalize-space()="open-notificaties 1.5.0"]')  # the upgrade's one step
    assert "Klaar om te installeren" in plan_page.xpath('//*[@id="plan-status"]')[0].text_content()


def test_app_and_release_pages_warn_about_the_affected_versions(store: Store) -> None:
    client = store.client
    affected = client.get("/apps/open-notificaties/releases/1.4.0").get_data(as_text=True)
    assert store.advisory["id"] in affected and "Opgelost in versie 1.5.0." in affected
    assert store.advisory["id"] not in client.get("/apps/open-notificaties/releases/1.5.0").get_data(as_text=True)
    app_page = client.get("/apps/open-notificaties").get_data(as_text=True)
    assert f"kwetsbaar: {store.advisory['id']}" in app_page
    assert "/feeds/apps/open-notificaties.atom" in alternate_feeds(app_page)
    assert "/feeds/apps/open-notificaties.atom" in visible_feed_links(app_page)


def test_the_advisory_page_shows_details_sanitised(store: Store) -> None:
    page = store.client.get(f"/advisories/{store.advisory['id']}").get_data(as_text=True)
    assert "<strong>Lek</strong>" in page and "<script>alert" not in page
    assert "1.4.0" in page  # the affected versions
    listed = store.client.get("/advisories").get_data(as_text=True)
    assert store.advisory["id"] in listed and "/feeds/advisories.atom" in alternate_feeds(listed)
    assert store.client.get("/advisories/GAS-2000-0001").status_code == 404


def read_feed(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == ATOM, path
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_release_feeds_all_per_app_publisher_and_category_newest_first(store: Store) -> None:
    client = store.client
    everything = read_feed(client, "/feeds/releases.atom")
    assert everything.feed.title == "Nieuwe versies in de Gemeente App Store"
    assert [e.title for e in everything.entries] == ["Open Zaak 1.0.0", "Open Notificaties 1.5.0",
                                                     "Open Notificaties 1.4.0"]
    assert everything.entries[0].link.endswith("/apps/open-zaak/releases/1.0.0")
    app_feed = read_feed(client, "/feeds/apps/open-notificaties.atom")
    assert app_feed.feed.title == "Nieuwe versies van Open Notificaties"
    assert [e.title for e in app_feed.entries] == ["Open Notificaties 1.5.0", "Open Notificaties 1.4.0"]
    assert len(read_feed(client, "/feeds/publishers/dimpact.atom").entries) == 3
    category = read_feed(client, "/feeds/categories/notifications.atom")
    assert {e.title for e in category.entries} == {"Open Notificaties 1.5.0", "Open Notificaties 1.4.0"}
    assert client.get("/feeds/apps/no-such-app.atom").status_code == 404
    assert client.get("/feeds/publishers/nobody.atom").status_code == 404
    assert "/feeds/releases.atom" in alternate_feeds(client.get("/").get_data(as_text=True))


def test_a_yanked_release_says_so_in_its_entry(store: Store) -> None:
    yank(store.client, store.dimpact, "open-notificaties", "1.4.0", "Berichten raken kwijt.")
    entry = next(e for e in read_feed(store.client, "/feeds/apps/open-notificaties.atom").entries
                 if "1.4.0" in e.title)
    assert entry.title == "Open Notificaties 1.4.0 (ingetrokken)"
    assert entry.summary == "Ingetrokken door de uitgever: Berichten raken kwijt."


def test_the_advisory_feed_and_withdrawal(store: Store) -> None:
    feed = read_feed(store.client, "/feeds/advisories.atom")
    assert feed.feed.title == "Beveiligingsadviezen in de Gemeente App Store"
    assert [e.link for e in feed.entries] == [f"http://localhost/advisories/{store.advisory['id']}"]
    store.client.post(f"/api/v1/advisories/{store.advisory['id']}/withdraw", headers=bearer(store.dimpact))
    assert read_feed(store.client, "/feeds/advisories.atom").entries[0].title.endswith("(ingetrokken)")


def test_a_feed_answers_304_while_nothing_changed(store: Store) -> None:
    first = store.client.get("/feeds/releases.atom")
    again = store.client.get("/feeds/releases.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    release(store.client, store.dimpact, "open-zaak", "1.1.0")
    assert store.client.get("/feeds/releases.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_feeds_are_capped(sqlite_app: Flask, store: Store) -> None:
    with database(sqlite_app).session() as session:
        assert len(NewsService(session).releases(ReleaseNews(), limit=2)) == 2


def test_an_owner_publishes_an_advisory_in_the_browser_and_others_may_not(sqlite_app: Flask, store: Store) -> None:
    client = store.client
    new = "/apps/open-zaak/advisories/new"
    add_person(sqlite_app, "eva@dimpact.example", "dimpact", "maintainer")
    add_person(sqlite_app, "lid@dimpact.example", "dimpact", "member")
    assert client.get(new).status_code == 302  # to sign in
    sign_in(client, "eva@utrecht.example")  # another organisation's owner
    assert client.get(new).status_code == 403
    assert "/advisories/new" not in client.get("/apps/open-zaak").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "lid@dimpact.example")  # a member, not a manager
    assert client.get(new).status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "eva@dimpact.example")
    assert new in client.get("/apps/open-zaak").get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, new), "summary": "Lek in de zaak-API", "details": "Zie **boven**.",
            "introduced": "0", "fixed": "1.0.1", "level": "high", "cvss": "", "aliases": "CVE-2026-1, GHSA-abcd",
            "reference": "ftp://example.org"}
    refused = client.post(new, data=form)
    assert refused.status_code == 400
    problems = html.fromstring(refused.get_data(as_text=True)).xpath('//*[@id="problems"]//a/@href')
    assert problems == ["#reference"]
    made = client.post(new, data={**form, "reference": "https://example.org/lek"})
    assert made.status_code == 302
    advisory_id = made.location.rsplit("/", 1)[1]
    record = client.get(f"/api/v1/advisories/{advisory_id}").json
    assert record["database_specific"] == {"severity": "HIGH"} and record["aliases"] == ["CVE-2026-1", "GHSA-abcd"]
    assert record["affected"][0]["ranges"][0]["events"] == [{"introduced": "0"}, {"fixed": "1.0.1"}]
    notes = client.get("/api/v1/apps/open-zaak/releases/1.0.0").json["advisories"]
    assert [n["id"] for n in notes] == [advisory_id]
