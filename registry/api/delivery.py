"""Sending a stored blob (a package, an image) through the door: strong ETag from its
sha256, caching per release, ``304`` for a matching ``If-None-Match``, logged when sent."""

from __future__ import annotations

import base64

from flask import Response, current_app, request, send_file, stream_with_context

from registry.db import request_session
from registry.extensions import STORE
from registry.services.package_content import Admission, PackageContent

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
    if request.if_none_match.contains_weak(sha256):
        return Response(status=304, headers=headers)
    PackageContent(request_session()).sent(admission, request.method)
    store = current_app.extensions[STORE]
    local = store.path(sha256)
    if local is not None:
        response = send_file(local, mimetype=mimetype, as_attachment=download_name is not None,
                             download_name=download_name, etag=False, conditional=False)
    else:
        def chunks():  # type: ignore[no-untyped-def]
            with store.open(sha256) as source:
                yield from iter(lambda: source.read(CHUNK), b"")
        response = Response(stream_with_context(chunks()), mimetype=mimetype)
    response.headers.update(headers)
    return response
