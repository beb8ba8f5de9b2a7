"""Apps: list and search the catalogue, read one app."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import serialise as out
from registry.api.context import int_arg, setting
from registry.api.install_shapes import adoption
from registry.db import request_session
from registry.services.catalogue import AppQuery, CatalogueService
from registry.services.installations import AdoptionService


@api.get("/apps")
def list_apps() -> Response:
    query = AppQuery(
        q=request.args.get("q", "").strip(),
        layer=request.args.get("layer") or None,
        category=request.args.get("category") or None,
        publisher=request.args.get("publisher") or None,
        license=request.args.get("license") or None,
        page=int_arg("page", 1, 1, 100_000),
        page_size=int_arg("pageSize", setting("PAGE_SIZE_DEFAULT"), 1, setting("PAGE_SIZE_MAX")),
        sort=request.args.get("sort") or "relevance",
    )
    page = CatalogueService(request_session()).search(query)
    return jsonify({
        "items": [out.app_summary(app) for app in page.items],
        "total": page.total,
        "page": page.page,
        "pageSize": page.page_size,
    })


@api.get("/apps/<app_id>")
def get_app(app_id: str) -> Response:
    app = CatalogueService(request_session()).app(app_id)
    return jsonify({**out.app_detail(app), "adoption": adoption(AdoptionService(request_session()).of(app))})
