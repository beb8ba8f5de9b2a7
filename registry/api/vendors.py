"""Commercial modules: listing, entitlements, interest in buying together, download log."""

from __future__ import annotations

from flask import Response, request

from registry.api import api
from registry.api.context import answer, caller, query, setting
from registry.api.models.inputs import PageQuery
from registry.api.models.vendors import Download, DownloadPage, Entitlement, EntitlementList, Interest, Listing
from registry.api.spec import operation
from registry.db import request_session
from registry.services.download_log import DownloadLog
from registry.services.entitlements import EntitlementService
from registry.services.interest import InterestService
from registry.services.listing_input import ListingInput
from registry.services.listings import ListingService
from registry.services.tokens import Caller

NOT_COMMERCIAL = "No such app, or the app is open source (it has none of this)."
NOT_THE_VENDOR = "The token is not the vendor's."
NOT_A_MUNICIPALITY = "The token is not a municipality's."


def optional_caller() -> Caller | None:
    """The caller when a token is sent; a wrong token is still a 401."""
    return caller() if request.headers.get("Authorization") else None


@api.get("/apps/<app_id>/listing")
@operation("getListing", tag="commercial",
           summary="How to buy a commercial module: pricing, hosting, support, contact, framework agreement.",
           answers={200: ("The listing.", Listing)},
           problems={404: NOT_COMMERCIAL + " Or the vendor has not written a listing yet."})
def get_listing(app_id: str) -> Response:
    return answer(Listing.of(ListingService(request_session()).get(app_id)))  # type: ignore[arg-type]


@api.put("/apps/<app_id>/listing")
@operation("putListing", tag="commercial", auth="bearer", body=ListingInput,
           summary="The vendor's own token only: replace the listing of a commercial module.",
           answers={200: ("The listing, replaced.", Listing),
                    201: ("The listing, written for the first time.", Listing)},
           problems={403: NOT_THE_VENDOR, 404: NOT_COMMERCIAL})
def put_listing(app_id: str) -> Response:
    who = caller()  # the service reads the body only for the vendor: nobody else learns what is wrong with it
    app, created = ListingService(request_session()).put(app_id, request.get_json(silent=True), who)
    return answer(Listing.of(app), 201 if created else 200)  # type: ignore[arg-type]


@api.get("/apps/<app_id>/entitlements")
@operation("listEntitlements", tag="commercial", auth="bearer",
           summary="The vendor's own token only: the organisations that may download the module.",
           answers={200: ("Every entitlement.", EntitlementList)}, problems={403: NOT_THE_VENDOR, 404: NOT_COMMERCIAL})
def list_entitlements(app_id: str) -> Response:
    items = EntitlementService(request_session()).list(app_id, caller())
    return answer(EntitlementList(items=[Entitlement.of(e) for e in items], total=len(items)))


@api.get("/apps/<app_id>/entitlements/<org>")
@operation("getEntitlement", tag="commercial", auth="bearer",
           summary="Whether an organisation may download the module: for the vendor, and for that organisation.",
           answers={200: ("The entitlement.", Entitlement)},
           problems={403: "The token is neither the vendor's nor that organisation's.",
                     404: NOT_COMMERCIAL + " Or no such organisation, or it has no entitlement."})
def get_entitlement(app_id: str, org: str) -> Response:
    return answer(Entitlement.of(EntitlementService(request_session()).get(app_id, org, caller())))


@api.put("/apps/<app_id>/entitlements/<org>")
@operation("grantEntitlement", tag="commercial", auth="bearer",
           summary="The vendor's own token only: let an organisation download the module (idempotent).",
           answers={200: ("The organisation was entitled already.", Entitlement),
                    201: ("The organisation is entitled from now on.", Entitlement)},
           problems={400: "The vendor itself needs no entitlement.", 403: NOT_THE_VENDOR,
                     404: NOT_COMMERCIAL + " Or no such organisation."})
def grant_entitlement(app_id: str, org: str) -> Response:
    entitlement, created = EntitlementService(request_session()).grant(app_id, org, caller())
    return answer(Entitlement.of(entitlement), 201 if created else 200)


@api.delete("/apps/<app_id>/entitlements/<org>")
@operation("revokeEntitlement", tag="commercial", auth="bearer",
           summary="The vendor's own token only: revoke an entitlement; the next download is refused.",
           answers={204: ("Revoked.", None)},
           problems={403: NOT_THE_VENDOR, 404: NOT_COMMERCIAL + " Or no such organisation, or it has no entitlement."})
def revoke_entitlement(app_id: str, org: str) -> tuple[str, int]:
    EntitlementService(request_session()).revoke(app_id, org, caller())
    return "", 204


@api.get("/apps/<app_id>/interest")
@operation("getInterest", tag="commercial", auth="optional",
           summary="How many municipalities would buy the module; which ones only for the vendor and curators.",
           answers={200: ("The interest.", Interest)}, problems={404: NOT_COMMERCIAL})
def get_interest(app_id: str) -> Response:
    return answer(Interest.of(InterestService(request_session()).summary(app_id, optional_caller())))


@api.post("/apps/<app_id>/interest")
@operation("registerInterest", tag="commercial", auth="bearer",
           summary="A municipality's token: register interest in buying the module together (idempotent).",
           answers={200: ("Registered already.", Interest), 201: ("Registered.", Interest)},
           problems={403: NOT_A_MUNICIPALITY, 404: NOT_COMMERCIAL})
def register_interest(app_id: str) -> Response:
    who = caller()
    service = InterestService(request_session())
    _, created = service.register(app_id, who)
    return answer(Interest.of(service.summary(app_id, who)), 201 if created else 200)


@api.delete("/apps/<app_id>/interest")
@operation("withdrawInterest", tag="commercial", auth="bearer",
           summary="A municipality's token: withdraw its interest.", answers={204: ("Withdrawn.", None)},
           problems={403: NOT_A_MUNICIPALITY,
                     404: NOT_COMMERCIAL + " Or the municipality had not registered interest."})
def withdraw_interest(app_id: str) -> tuple[str, int]:
    InterestService(request_session()).withdraw(app_id, caller())
    return "", 204


@api.get("/apps/<app_id>/downloads")
@operation("listDownloads", tag="commercial", auth="bearer", query=PageQuery,
           summary="The vendor's own token only: who downloaded which release of the module, and when.",
           answers={200: ("One page of downloads, newest first.", DownloadPage)},
           problems={403: NOT_THE_VENDOR, 404: NOT_COMMERCIAL})
def list_downloads(app_id: str) -> Response:
    who = caller()
    asked = query(PageQuery)
    page = DownloadLog(request_session()).page(
        app_id, who, page=asked.page, page_size=asked.page_size or setting("PAGE_SIZE_DEFAULT"))
    return answer(DownloadPage(items=[Download.of(d) for d in page.items], total=page.total, page=page.page,
                               page_size=page.page_size))
