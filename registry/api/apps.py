"""Apps: list and search the catalogue, read one app."""

from __future__ import annotations

from flask import Response

from registry.api import api
from registry.api.context import answer, query, setting
from registry.api.models.catalogue import App, AppPage, AppSummary
from registry.api.models.inputs import AppsQuery
from registry.api.spec import operation
from registry.db import request_session
from registry.services.catalogue import AppQuery, CatalogueService
from registry.services.installations import AdoptionService


@api.get("/apps")
@operation("listApps", tag="catalogue", summary="List and search apps.", query=AppsQuery,
           answers={200: ("One page of apps, with the total count.", AppPage)})
def list_apps() -> Response:
    asked = query(AppsQuery)
    page = CatalogueService(request_session()).search(AppQuery(
        q=asked.q.strip(), layer=asked.layer, category=asked.category, publisher=asked.publisher,
        license=asked.license, page=asked.page, page_size=asked.page_size or setting("PAGE_SIZE_DEFAULT"),
        sort=asked.sort))
    return answer(AppPage(items=[AppSummary.of(app) for app in page.items], total=page.total, page=page.page,
                          page_size=page.page_size))


@api.get("/apps/<app_id>")
@operation("getApp", tag="catalogue", summary="One app with its releases, listing and adoption.",
           answers={200: ("The app with its releases.", App)}, problems={404: "No such app."})
def get_app(app_id: str) -> Response:
    app = CatalogueService(request_session()).app(app_id)
    return answer(App.of_app(app, AdoptionService(request_session()).of(app)))
