"""Security advisories in the OSV format: publish, edit, withdraw, read, export."""

from __future__ import annotations

import io
import json
import zipfile

from flask import Response

from registry.api import api
from registry.api.context import answer, caller, json_body, query, setting
from registry.api.models.advisories import AdvisoryPage, AppAdvisories, osv_json, osv_record
from registry.api.models.inputs import PageQuery
from registry.api.spec import Answer, operation
from registry.db import request_session
from registry.osv import AdvisoryContent, OsvRecord
from registry.public_urls import external_url_for
from registry.services.advisories import AdvisoryService
from registry.services.catalogue import CatalogueService

NOT_YOURS = "Only the app's publisher or a curator may do this."


@api.post("/advisories")
@operation("publishAdvisory", tag="advisories", auth="bearer", body=AdvisoryContent,
           summary="Publish a security advisory (OSV) about an app; the registry gives its id.",
           answers={201: Answer("The advisory as an OSV record.", OsvRecord, headers=("Location",))},
           problems={403: NOT_YOURS, 404: "No such app."})
def publish_advisory() -> Response:
    who = caller()
    advisory = AdvisoryService(request_session()).publish(json_body(AdvisoryContent), who)
    location = external_url_for("api.get_advisory", advisory_id=advisory.advisory_id)
    return answer(osv_record(advisory), 201, {"Location": location})


@api.get("/advisories")
@operation("listAdvisories", tag="advisories", query=PageQuery,
           summary="Advisories as OSV records, last changed first; withdrawn ones included.",
           answers={200: ("One page of advisories, with the total count.", AdvisoryPage)})
def list_advisories() -> Response:
    asked = query(PageQuery)
    size = asked.page_size or setting("PAGE_SIZE_DEFAULT")
    items, total = AdvisoryService(request_session()).page(asked.page, size)
    return answer(AdvisoryPage(items=[osv_record(a) for a in items], total=total, page=asked.page,
                               page_size=size))


@api.get("/advisories/all.zip")
@operation("exportAdvisories", tag="advisories",
           summary="Every advisory as `<id>.json` in one zip, as osv.dev exports an ecosystem.",
           answers={200: Answer("A zip of OSV records.", media_type="application/zip")})
def export_advisories() -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for advisory in AdvisoryService(request_session()).every():
            archive.writestr(f"{advisory.advisory_id}.json", json.dumps(osv_json(advisory), indent=2))
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=all.zip"})


@api.get("/advisories/<advisory_id>")
@operation("getAdvisory", tag="advisories", summary="One advisory as an OSV record.",
           answers={200: ("The OSV record.", OsvRecord)}, problems={404: "No such advisory."})
def get_advisory(advisory_id: str) -> Response:
    return answer(osv_record(AdvisoryService(request_session()).get(advisory_id)))


@api.put("/advisories/<advisory_id>")
@operation("updateAdvisory", tag="advisories", auth="bearer", body=AdvisoryContent,
           summary="Change an advisory; `modified` moves on, `published` stays.",
           answers={200: ("The changed OSV record.", OsvRecord)},
           problems={403: NOT_YOURS, 404: "No such advisory.", 409: "The advisory is about another app."})
def update_advisory(advisory_id: str) -> Response:
    who = caller()
    content = json_body(AdvisoryContent)
    return answer(osv_record(AdvisoryService(request_session()).update(advisory_id, content, who)))


@api.post("/advisories/<advisory_id>/withdraw")
@operation("withdrawAdvisory", tag="advisories", auth="bearer",
           summary="Withdraw an advisory: it is kept, with `withdrawn` set, and no longer marks releases.",
           answers={200: ("The withdrawn OSV record.", OsvRecord)},
           problems={403: NOT_YOURS, 404: "No such advisory.", 409: "Withdrawn already."})
def withdraw_advisory(advisory_id: str) -> Response:
    who = caller()
    return answer(osv_record(AdvisoryService(request_session()).withdraw(advisory_id, who)))


@api.get("/apps/<app_id>/advisories")
@operation("listAppAdvisories", tag="advisories", summary="Every advisory about one app, as OSV records.",
           answers={200: ("The app's advisories.", AppAdvisories)}, problems={404: "No such app."})
def list_app_advisories(app_id: str) -> Response:
    app = CatalogueService(request_session()).app(app_id)
    items = [osv_record(a) for a in AdvisoryService(request_session()).of_app(app)]
    return answer(AppAdvisories(items=items, total=len(items)))
