"""Sending a stored blob (a package, an image) through the door: strong ETag from its
sha256, caching per release, ``304`` for a matching ``If-None-Match`` (or, without one,
``If-Modified-Since``), byte ranges of the stream, logged when sent."""

from __future__ import annotations

import base64
import logging

from flask import Response, current_app, request
from werkzeug.wsgi import wrap_file

from registry import metrics
from registry.db import request_session
from registry.errors import RegistryError
from registry.extensions import STORE
from registry.services.package_content import Admission, PackageContent
from registry.storage import ArtifactStore
from sdk import problems as kinds

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
#: An SVG opened on its own must not run its scripts or load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def send_blob(admission: Admission, sha256: str, mimetype: str, *, download_name: str | None = None) -> Response:
    """The blob ``sha256`` from the artifact store, for an admitted request."""
    digest = base64.b64encode(bytes.fromhex(sha256)).decode()
    headers = {
        "ETag": f'"{sha256}"',
        "Repr-Digest": f"sha-256=:{digest}:",
        "Cache-Control": admission.cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    if download_name is not None:
        headers["Digest"] = f"sha-256={digest}"
    if mimetype == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    if request.if_none_match.contains_weak(sha256):  # answered without touching the store
        return Response(status=304, headers=headers)
    store: ArtifactStore = current_app.extensions[STORE]
    try:
        blob = store.stat(sha256)
        source = store.open(sha256)
    except FileNotFoundError:
        # The database names a blob the store lost: data loss for fsck and the curators, not a crash.
        metrics.storage_failed("read")
        log.error("blob %s of %s is missing from the artifact store; run appstore-registry fsck", sha256, request.path)
        raise StoredContentMissing(
            "The stored file of this release is missing on the registry's side; the curators have been told. "
            "Try again later.") from None
    try:
        response = Response(wrap_file(request.environ, source, CHUNK), mimetype=mimetype, direct_passthrough=True)
        response.content_length = blob.size
        response.last_modified = blob.modified
        if download_name is not None:
            response.headers.set("Content-Disposition", "attachment", filename=download_name)
        response.headers.update(headers)
        # A blob never changes under its key, so ranges (206, If-Range) are served from the stream;
        # If-Modified-Since may still answer 304, and an unsatisfiable range raises 416.
        response.make_conditional(request.environ, accept_ranges=True, complete_length=blob.size)  # changes it in place
        if response.status_code != 304:
            PackageContent(request_session()).sent(admission, request.method)
    except BaseException:
        source.close()
        raise
    return response


class StoredContentMissing(RegistryError):
    """A blob the database names is not in the artifact store (a 500 that says so)."""

    kind = kinds.INTERNAL_ERROR
