"""Sending a stored blob (a package, an image) through the door: strong ETag from its
sha256, caching per release, ``304`` for a matching ``If-None-Match`` (or, without one,
``If-Modified-Since``), byte ranges fetched as ranges from the store, logged when sent.

With ``DOWNLOAD_REDIRECT=presigned`` and a store that makes download addresses (S3),
a ``GET`` of content that anyone may have is answered with a redirect to a
short-lived address of the blob in the store, decided here for every route:
commercial content never leaves that way, and neither does an SVG image, which
needs the policy below that only the registry sends.
"""

from __future__ import annotations

import base64
import logging

from flask import Response, current_app, request
from werkzeug.http import dump_options_header
from werkzeug.wsgi import wrap_file

from registry.db import request_session
from registry.errors import RegistryError
from registry.extensions import STORE
from registry.services.package_content import Admission, PackageContent
from registry.storage import ArtifactStore, BlobStat
from sdk import problems as kinds

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
SVG = "image/svg+xml"
#: An SVG opened on its own must not run its scripts or load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
SENT = (200, 206)


def send_blob(admission: Admission, sha256: str, mimetype: str, *, download_name: str | None = None) -> Response:
    """The blob ``sha256`` from the artifact store, for an admitted request."""
    digest = base64.b64encode(bytes.fromhex(sha256)).decode()
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": admission.cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    if download_name is not None:
        headers["Digest"] = f"sha-256={digest}"
    if request.if_none_match.contains_weak(sha256):  # answered without touching the store
        return Response(status=304, headers=headers)
    store: ArtifactStore = current_app.extensions[STORE]
    disposition = dump_options_header("attachment", {"filename": download_name}) if download_name else None
    address = _shareable_address(store, admission, sha256, mimetype, disposition)
    if address is not None:
        return _redirect(admission, address, headers)
    headers["Repr-Digest"] = f"sha-256=:{digest}:"
    if mimetype == SVG:
        headers["Content-Security-Policy"] = SVG_POLICY
    blob = _stat(store, sha256)
    response = Response(mimetype=mimetype, direct_passthrough=True)  # the body once the conditions are known
    response.content_length = blob.size
    response.last_modified = blob.modified
    if disposition is not None:
        response.headers["Content-Disposition"] = disposition
    response.headers.update(headers)
    # A blob never changes under its key: If-Range, If-Modified-Since (304) and ranges (206,
    # or 416 when unsatisfiable) are decided on its stat; then only the bytes sent are fetched.
    response.make_conditional(request.environ, accept_ranges=True, complete_length=blob.size)
    if response.status_code in SENT:
        PackageContent(request_session()).sent(admission, request.method)
        if request.method != "HEAD":
            span = response.content_range if response.status_code == 206 else None
            source = store.open(sha256) if span is None else store.open(sha256, span.start or 0, span.stop)
            response.response = wrap_file(request.environ, source, CHUNK)
    return response


def _shareable_address(store: ArtifactStore, admission: Admission, sha256: str, mimetype: str,
                       disposition: str | None) -> str | None:
    """A short-lived address of the blob in the store, when this request may be sent there."""
    config = current_app.config
    if config["DOWNLOAD_REDIRECT"] != "presigned" or request.method != "GET" or not admission.shareable \
            or mimetype == SVG:
        return None
    return store.download_url(sha256, seconds=config["DOWNLOAD_URL_SECONDS"], content_type=mimetype,
                              disposition=disposition)


def _redirect(admission: Admission, address: str, headers: dict[str, str]) -> Response:
    """To the store; the answer may be reused for half the address's life, by this client only."""
    response = Response(status=307, headers={**headers, "Location": address})
    response.headers["Cache-Control"] = f"private, max-age={current_app.config['DOWNLOAD_URL_SECONDS'] // 2}"
    PackageContent(request_session()).sent(admission, request.method)
    return response


def _stat(store: ArtifactStore, sha256: str) -> BlobStat:
    try:
        return store.stat(sha256)
    except FileNotFoundError:
        # The database names a blob the store lost: data loss for fsck and the curators, not a crash.
        log.error("blob %s of %s is missing from the artifact store; run appstore-registry fsck", sha256, request.path)
        raise StoredContentMissing(
            "The stored file of this release is missing on the registry's side; the curators have been told. "
            "Try again later.") from None


class StoredContentMissing(RegistryError):
    """A blob the database names is not in the artifact store (a 500 that says so)."""

    kind = kinds.INTERNAL_ERROR
