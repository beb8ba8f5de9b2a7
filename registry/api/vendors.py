"""Commercial modules: listing, entitlements, interest in buying together, download log."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import serialise_vendors as out
from registry.api.context import caller, int_arg, setting
from registry.db import request_session
from registry.services.download_log import DownloadLog
from registry.services.entitlements import EntitlementService
from registry.services.interest import InterestService
from registry.services.listings import ListingService
from registry.services.tokens import Caller


def optional_caller() -> Caller | None:
    """The caller when a token is sent; a wrong token is still a 401."""
    return caller() if request.headers.get("Authorization") else None


@api.get("/apps/<app_id>/listing")
def get_listing(app_id: str) -> Response:
    return jsonify(out.listing(ListingService(request_session()).get(app_id)))


@api.put("/apps/<app_id>/listing")
def put_listing(app_id: str) -> tuple[Response, int]:
    who = caller()
    app, created = ListingService(request_session()).put(app_id, request.get_json(silent=True), who)
    return jsonify(out.listing(app)), 201 if created else 200


@api.get("/apps/<app_id>/entitlements")
def list_entitlements(app_id: str) -> Response:
    items = EntitlementService(request_session()).list(app_id, caller())
    return jsonify({"items": [out.entitlement(e) for e in items], "total": len(items)})


@api.get("/apps/<app_id>/entitlements/<org>")
def get_entitlement(app_id: str, org: str) -> Response:
    return jsonify(out.entitlement(EntitlementService(request_session()).get(app_id, org, caller())))


@api.put("/apps/<app_id>/entitlements/<org>")
def grant_entitlement(app_id: str, org: str) -> tuple[Response, int]:
    entitlement, created = EntitlementService(request_session()).grant(app_id, org, caller())
    return jsonify(out.entitlement(entitlement)), 201 if created else 200


@api.delete("/apps/<app_id>/entitlements/<org>")
def revoke_entitlement(app_id: str, org: str) -> tuple[str, int]:
    EntitlementService(request_session()).revoke(app_id, org, caller())
    return "", 204


@api.get("/apps/<app_id>/interest")
def get_interest(app_id: str) -> Response:
    return jsonify(out.interest(InterestService(request_session()).summary(app_id, optional_caller())))


@api.post("/apps/<app_id>/interest")
def register_interest(app_id: str) -> tuple[Response, int]:
    who = caller()
    service = InterestService(request_session())
    _, created = service.register(app_id, who)
    return jsonify(out.interest(service.summary(app_id, who))), 201 if created else 200


@api.delete("/apps/<app_id>/interest")
def withdraw_interest(app_id: str) -> tuple[str, int]:
    InterestService(request_session()).withdraw(app_id, caller())
    return "", 204


@api.get("/apps/<app_id>/downloads")
def list_downloads(app_id: str) -> Response:
    who = caller()
    page = DownloadLog(request_session()).page(
        app_id, who,
        page=int_arg("page", 1, 1, 100_000),
        page_size=int_arg("pageSize", setting("PAGE_SIZE_DEFAULT"), 1, setting("PAGE_SIZE_MAX")),
    )
    return jsonify({
        "items": [out.download(d) for d in page.items],
        "total": page.total,
        "page": page.page,
        "pageSize": page.page_size,
    })
