"""Apps: list and search the catalogue, read one app."""

from __future__ import annotations

from flask import Response, current_app

from registry.api import api
from registry.api.context import answer, query, setting
from registry.api.models.catalogue import App, AppPage, AppSummary
from registry.api.models.inputs import AppsQuery
from registry.api.spec import Answer, operation
from registry.db import request_session
from registry.http_caching import answers, catalogue_etag, is_current, not_modified, with_validators
from registry.services.catalogue import AppQuery, CatalogueService
from registry.services.installations import AdoptionService


@api.get("/apps")
@operation("listApps", tag="catalogue", summary="List and search apps.", query=AppsQuery,
           headers=("If-None-Match",),
           answers={200: Answer("One page of apps, with the total count.", AppPage, headers=("ETag", "Cache-Control")),
                    304: Answer("Not modified: the copy whose ETag was sent is current.", media_type="",
                                headers=("ETag", "Cache-Control"))})
def list_apps() -> Response:
    asked = query(AppsQuery)
    search = AppQuery(
        q=asked.q.strip(), layer=asked.layer, category=asked.category, publisher=asked.publisher,
        license=asked.license, page=asked.page, page_size=asked.page_size or setting("PAGE_SIZE_DEFAULT"),
        sort=asked.sort)
    # Anyone may keep the answer a little while: it is the same for every caller.
    cache_control = f"public, max-age={setting('CATALOGUE_MAX_AGE')}, must-revalidate"
    etag = catalogue_etag(request_session(), ["listApps", repr(search)])
    if is_current(etag):
        return not_modified(etag, cache_control)
    body = answers().get(etag)
    if not isinstance(body, bytes):
        page = CatalogueService(request_session()).search(search)
        body = answer(AppPage(items=[AppSummary.of(app) for app in page.items], total=page.total, page=page.page,
                              page_size=page.page_size)).get_data()
        answers().put(etag, body, len(body))
    return with_validators(current_app.response_class(body, mimetype="application/json"), etag, cache_control)


@api.get("/apps/<app_id>")
@operation("getApp", tag="catalogue", summary="One app with its releases, listing and adoption.",
           answers={200: ("The app with its releases.", App)}, problems={404: "No such app."})
def get_app(app_id: str) -> Response:
    app = CatalogueService(request_session()).app(app_id)
    return answer(App.of_app(app, AdoptionService(request_session()).of(app)))
