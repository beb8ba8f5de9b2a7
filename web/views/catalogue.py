"""Finding apps: the home page with search, and the results with facets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import render_template, request, url_for

from registry.db import request_session
from registry.errors import RegistryError
from registry.services.browsing import BrowseService, StoreFilters
from registry.services.catalogue import AppQuery
from web import web

PAGE_SIZE = 20
FILTERS = ("layer", "category", "kind", "license", "profile")


@web.get("/")
def home() -> str:
    browse = BrowseService(request_session()).browse(AppQuery(page_size=6))
    return render_template("home.html", browse=browse)


@web.get("/apps")
def results() -> str:
    query, filters = _parse()
    browse = BrowseService(request_session()).browse(query, filters)
    return render_template("results.html", browse=browse, query=query, filters=filters,
                           chosen=_chosen(), facet_url=_facet_url, page_url=_page_url, sort_url=_sort_url,
                           suggestion_url=_suggestion_url)


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
