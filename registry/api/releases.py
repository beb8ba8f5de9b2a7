"""Releases: publish, read, download, yank."""

from __future__ import annotations

from flask import Response, jsonify, request

from registry.api import api
from registry.api import serialise as out
from registry.api.context import caller, plugins, publish_service
from registry.api.delivery import send_blob
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.catalogue import CatalogueService
from registry.services.download_log import PACKAGE
from registry.services.package_content import PackageContent
from registry.services.yanking import YankService


@api.post("/releases")
def publish_release() -> tuple[Response, int, dict[str, str]]:
    who = caller()
    upload = request.files.get("package")
    if upload is None:
        raise RegistryError("Send the package as the multipart form field `package`.")
    release = publish_service().publish(upload.stream, upload.filename or "package.tar.gz", who)
    body = out.release(release)
    return jsonify(body), 201, {"Location": body["links"]["self"]}


@api.get("/apps/<app_id>/releases/<version>")
def get_release(app_id: str, version: str) -> Response:
    return jsonify(out.release(CatalogueService(request_session()).release(app_id, version)))


@api.get("/apps/<app_id>/releases/<version>/package")
def download_package(app_id: str, version: str) -> Response:
    release = CatalogueService(request_session()).release(app_id, version)
    admission = PackageContent(request_session()).admit(release, _optional_caller(), PACKAGE)
    return send_blob(admission, release.artifact_sha256, "application/gzip", download_name=release.artifact.filename)


@api.post("/apps/<app_id>/releases/<version>/yank")
def yank_release(app_id: str, version: str) -> Response:
    who = caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("reason"), str):
        raise RegistryError('Send JSON such as {"reason": "Security fix in 1.4.1; upgrade."}.')
    release = YankService(request_session(), plugins()).yank(app_id, version, body["reason"], who)
    return jsonify(out.release(release))


def _optional_caller():  # type: ignore[no-untyped-def]
    return caller() if request.headers.get("Authorization") else None
