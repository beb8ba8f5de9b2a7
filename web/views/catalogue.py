"""Finding apps: the home page with search, and the results with facets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, current_app, make_response, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf

from registry.db import request_session
from registry.errors import RegistryError
from registry.http_caching import answers, catalogue_etag, is_current, not_modified, with_validators
from registry.services.browsing import BrowseOutline, BrowsePage, BrowseService, StoreFilters
from registry.services.catalogue import AppQuery
from web import web
from web.auth import current_user
from web.i18n import current_language
from web.views.compare import picked_apps

PAGE_SIZE = 20
FILTERS = ("layer", "category", "kind", "license", "profile")
#: Pages carry the session's form token (the language switch), so only the browser may keep
#: them, and it asks each time whether they are still current (a cheap 304 when so).
PAGE_CACHING = "private, no-cache"


@web.get("/")
def home() -> str:
    browse = BrowseService(request_session()).browse(AppQuery(page_size=6))
    return render_template("home.html", browse=browse)


@web.get("/apps")
def results() -> Response:
    query, filters = _parse()
    etag = _page_etag("results")
    if etag is not None and is_current(etag):
        return not_modified(etag, PAGE_CACHING, "Cookie")
    browse = _browse(query, filters)
    response = make_response(render_template(
        "results.html", browse=browse, query=query, filters=filters, chosen=_chosen(), facet_url=_facet_url,
        page_url=_page_url, sort_url=_sort_url, suggestion_url=_suggestion_url, picked=picked_apps()))
    if etag is None:
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return with_validators(response, etag, PAGE_CACHING, "Cookie")


def _browse(query: AppQuery, filters: StoreFilters) -> BrowsePage:
    """The results with their facets; the counting is done once per state of the catalogue
    and kept by the worker (it is the same for everyone), the page's apps read each time."""
    service = BrowseService(request_session())
    key = catalogue_etag(request_session(), ["browse", repr(query), repr(filters)])
    outline = answers().get(key)
    if not isinstance(outline, BrowseOutline):
        outline = service.outline(query, filters)
        answers().put(key, outline, len(repr(outline)))
    return service.page_of(outline, query)


def _page_etag(page: str) -> str | None:
    """The tag of a page about the catalogue for this browser: the page and its query, the
    language, who is signed in and the session's form token; None when a message waits to be
    shown once (the page is then not the same twice)."""
    if "_flashes" in session:
        return None
    generate_csrf()  # the page's forms carry it: make the session's secret before the tag, not while rendering
    secret = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
    user = current_user()
    return catalogue_etag(request_session(), [
        page, repr(sorted(request.args.items(multi=True))), current_language(), secret,
        "" if user is None else str(user.id)])


def _parse() -> tuple[AppQuery, StoreFilters]:
    args = request.args
    try:
        page = max(1, min(int(args.get("page", "1") or "1"), 10_000))
    except ValueError:
        raise RegistryError("`page` must be a whole number.") from None
    query = AppQuery(
        q=args.get("q", "").strip(),
        layer=args.get("layer") or None,
        category=args.get("category") or None,
        license=args.get("license") or None,
        page=page,
        page_size=PAGE_SIZE,
        sort=args.get("sort") or "relevance",
    )
    if query.license not in (None, "open", "proprietary"):
        raise RegistryError("`license` must be open or proprietary.")
    return query, StoreFilters(publisher_kind=args.get("kind") or None, profile=args.get("profile") or None)


def _chosen() -> dict[str, str]:
    """The filters in force, for the facet links and the 'remove filter' buttons."""
    return {k: request.args[k] for k in ("q", "sort", *FILTERS) if request.args.get(k)}


def _facet_url(key: str, value: str | None) -> str:
    """The results with ``key`` set to ``value`` (None: removed), back on page 1."""
    args: dict[str, Any] = _chosen()
    if value is None or args.get(key) == value:
        args.pop(key, None)
    else:
        args[key] = value
    return url_for("web.results", **args)


def _sort_url(sort: str) -> str:
    """The results in the order ``sort``, back on page 1."""
    args: dict[str, Any] = {**_chosen(), "sort": sort}
    return url_for("web.results", **args)


def _suggestion_url(q: str) -> str:
    """The results of the suggested search, with the same filters."""
    args: dict[str, Any] = {**_chosen(), "q": q}
    return url_for("web.results", **args)


def _page_url(page: int) -> str:
    args: dict[str, Any] = {**_chosen(), "page": page}
    return url_for("web.results", **args)


@web.app_template_global()
def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


@web.app_template_global()
def static_css() -> str:
    """The bundled stylesheet, versioned by its modification time so caches refresh."""
    path = Path(web.static_folder or "") / "dist" / "appstore.css"
    version = int(path.stat().st_mtime) if path.exists() else 0
    return url_for("web.static", filename="dist/appstore.css", v=version)
