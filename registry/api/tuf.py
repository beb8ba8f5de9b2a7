"""The registry's signed metadata for clients that verify what they download (TUF).

Served under one prefix with the spec's names: ``<version>.root.json``,
``<version>.targets.json``, ``<version>.bins-<hex>.json`` (the hashed bins targets
delegates to), ``<version>.snapshot.json`` (consistent snapshots) and ``timestamp.json``.
Signed documents need no authentication; a client trusts them because of their
signatures, never because of where they came from.
"""

from __future__ import annotations

import logging

from flask import Response, current_app

from registry.api import api
from registry.api.spec import Answer, operation
from registry.db import request_session
from registry.extensions import SIGNING, STORE
from registry.signing.repository import SignedRepository
from registry.signing.updates import Signing

log = logging.getLogger(__name__)
TIMESTAMP = "timestamp.json"


@api.get("/tuf/<name>")
@operation("getSignedMetadata", tag="catalogue",
           summary="Signed TUF metadata: <version>.root.json, <version>.targets.json, <version>.bins-<hex>.json, "
                   "<version>.snapshot.json, timestamp.json.",
           answers={200: Answer("The signed document, exactly as signed.")},
           problems={404: "No such document, or the registry signs no metadata yet."})
def get_signed_metadata(name: str) -> Response:
    signing: Signing = current_app.extensions[SIGNING]
    if name == TIMESTAMP:
        _refresh(signing)  # a timestamp lives a day: the first reader after half of it has it signed again
    document = SignedRepository(request_session(), current_app.extensions[STORE], signing.keys).document(name)
    # The timestamp changes with every publish; versioned documents never change.
    cache = "no-cache" if name == TIMESTAMP else "public, max-age=31536000, immutable"
    return Response(document, mimetype="application/json", headers={"Cache-Control": cache})


def _refresh(signing: Signing) -> None:
    try:
        signing.refresh()
    except Exception:  # the current timestamp is still valid for half a day: serve it, say why not newer
        log.exception("could not sign the TUF metadata again; check the keys (appstore-registry tuf status)")
