"""Releases: publish, read, download, yank."""

from __future__ import annotations

import base64

from flask import Response, jsonify, request, send_file

from registry.api import api
from registry.api import serialise as out
from registry.api.context import caller, plugins, publish_service, store
from registry.db import request_session
from registry.errors import RegistryError
from registry.services.catalogue import CatalogueService
from registry.services.download_log import DownloadLog
from registry.services.downloads import DownloadPolicy
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
    who = _optional_caller()
    policy = DownloadPolicy(request_session())
    policy.authorise(release, who)
    sha256 = release.artifact_sha256
    etag = f'"{sha256}"'
    digest = base64.b64encode(bytes.fromhex(sha256)).decode()
    headers = {
        "ETag": etag,
        "Digest": f"sha-256={digest}",
        "Repr-Digest": f"sha-256=:{digest}:",
        "Cache-Control": policy.cache_control(release),
    }
    if request.if_none_match.contains_weak(sha256):
        return Response(status=304, headers=headers)
    DownloadLog(request_session()).record(release, who)
    path = store().path(sha256)
    response = send_file(
        path, mimetype="application/gzip", as_attachment=True,
        download_name=release.artifact.filename, etag=False, conditional=False,
    )
    response.headers.update(headers)
    return response


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
