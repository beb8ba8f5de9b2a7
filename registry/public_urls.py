"""Absolute links, built on the configured public URL and never on the request.

A request's Host header is whatever the client sent; links built from it let
anyone who can get a response cached or a page rendered for someone else
point it elsewhere. ``APPSTORE_PUBLIC_URL`` says where the registry lives.
Without it (development and tests; ``appstore-registry serve`` refuses to run
without it) the links fall back to the request.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def external_url_for(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint``, like ``url_for(..., _external=True)`` but on the public URL."""
    base = current_app.config["PUBLIC_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    # A path under the WSGI mount point: the public URL includes that prefix already.
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return base + path


def registry_address() -> str:
    """What to give ``appstore --registry`` or APPSTORE_REGISTRY: the public URL, or in
    development the address of the request."""
    base = current_app.config["PUBLIC_URL"]
    if base:
        return base
    return request.url_root.rstrip("/") if has_request_context() else ""
