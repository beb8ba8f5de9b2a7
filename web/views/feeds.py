"""Atom feeds: new releases (all, per app, per publisher, per category) and security advisories.

Written with feedgen, a maintained feed library, so that escaping, dates and ids follow
RFC 4287 without us writing XML by hand. Titles speak the reader's language (Dutch first).
A feed carries its newest 50 entries, and answers 304 to a reader that has it already.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar, cast

from feedgen.feed import FeedEntry, FeedGenerator
from flask import Response, request
from flask_babel import gettext as _

from registry.db import request_session
from registry.models import Advisory, Release
from registry.public_urls import external_url_for
from registry.services.advisories import AdvisoryService
from registry.services.news import MAX_ENTRIES, NewsService, ReleaseNews
from web import web
from web.i18n import current_language
from web.labels import CATEGORIES

ATOM = "application/atom+xml"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Item = TypeVar("Item")


@web.get("/feeds/releases.atom")
def releases_feed() -> Response:
    return _releases(ReleaseNews(), lambda _releases: _("New releases in the Gemeente App Store"), "web.results", {})


@web.get("/feeds/apps/<app_id>.atom")
def app_feed(app_id: str) -> Response:
    def title(releases: list[Release]) -> str:
        return _("New releases of %(app)s", app=releases[0].app.name if releases else app_id)
    return _releases(ReleaseNews(app=app_id), title, "web.app_page", {"app_id": app_id})


@web.get("/feeds/publishers/<slug>.atom")
def publisher_feed(slug: str) -> Response:
    def title(releases: list[Release]) -> str:
        return _("New releases by %(publisher)s", publisher=releases[0].app.organisation.name if releases else slug)
    return _releases(ReleaseNews(publisher=slug), title, "web.publisher_page", {"slug": slug})


@web.get("/feeds/categories/<category>.atom")
def category_feed(category: str) -> Response:
    category = category[:64]
    return _releases(ReleaseNews(category=category),
                     lambda _releases: _("New releases in %(category)s", category=CATEGORIES.get(category, category)),
                     "web.results", {"category": category})


@web.get("/feeds/advisories.atom")
def advisories_feed() -> Response:
    advisories = AdvisoryService(request_session()).recent(MAX_ENTRIES)
    feed = _feed("web.advisories_feed", {}, _("Security advisories in the Gemeente App Store"),
                 external_url_for("web.advisories_page"))
    _entries(feed, advisories, _advisory_entry)
    return _answer(feed)


def _releases(about: ReleaseNews, title: Callable[[list[Release]], str], page: str,
              values: dict[str, str]) -> Response:
    releases = NewsService(request_session()).releases(about)
    endpoint = request.endpoint or "web.releases_feed"
    feed = _feed(endpoint, dict(request.view_args or {}), title(releases), external_url_for(page, **values))
    _entries(feed, releases, _release_entry)
    return _answer(feed)


def _feed(endpoint: str, values: dict[str, str], title: str, page: str) -> FeedGenerator:
    feed = FeedGenerator()
    self_url = external_url_for(endpoint, **values)
    feed.id(self_url)
    feed.title(title)
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type=ATOM)
    feed.language(current_language())
    feed.author({"name": _("Gemeente App Store")})
    return feed


def _entries(feed: FeedGenerator, items: list[Item], fill: Callable[[FeedEntry, Item], None]) -> None:
    # feedgen puts an added entry first; add oldest first, so the newest leads.
    for item in reversed(items):
        fill(feed.add_entry(), item)
    # The feed changed when its newest entry did (not "now"), so its ETag holds until then.
    feed.updated(max((entry.updated() for entry in feed.entry()), default=EPOCH))


def _release_entry(entry: FeedEntry, release: Release) -> None:
    app = release.app
    url = external_url_for("web.release_page", app_id=app.slug, version=release.version)
    entry.id(url)
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(release.published_at)
    if release.yanked and release.yanks:
        yank = release.yanks[-1]
        entry.title(_("%(app)s %(version)s (withdrawn)", app=app.name, version=release.version))
        entry.updated(yank.created_at)
        entry.summary(_("Withdrawn by the publisher: %(reason)s", reason=yank.reason))
    else:
        entry.title(f"{app.name} {release.version}")
        entry.updated(release.published_at)
        entry.summary(app.summary)
    entry.author({"name": app.organisation.name})
    for category in app.categories or []:
        entry.category(term=category)


def _advisory_entry(entry: FeedEntry, advisory: Advisory) -> None:
    url = external_url_for("web.advisory_page", advisory_id=advisory.advisory_id)
    entry.id(url)
    entry.link(href=url, rel="alternate", type="text/html")
    title = f"{advisory.advisory_id}: {advisory.app.name}: {advisory.summary}"
    entry.title(_("%(title)s (withdrawn)", title=title) if advisory.withdrawn else title)
    entry.published(advisory.published_at)
    entry.updated(advisory.modified_at)
    entry.summary(advisory.summary)
    entry.author({"name": advisory.organisation.name})
    if advisory.level:
        entry.category(term=advisory.level)


def _answer(feed: FeedGenerator) -> Response:
    response = Response(feed.atom_str(pretty=True), mimetype=ATOM)
    response.add_etag()
    return cast(Response, response.make_conditional(request))  # the same object, typed as werkzeug's
