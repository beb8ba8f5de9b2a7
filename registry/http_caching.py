"""HTTP caching of the catalogue's lists and searches: an ETag from the catalogue's state,
``304`` to a matching ``If-None-Match`` before any query runs, and in each worker a small
cache of answers by that tag.

The tag is made of the catalogue's state (``catalogue_state``), this version of the code and
everything else the answer depends on (the query, the address it is served at, for pages
the language and the session), so a tag names one answer. The worker's cache needs no
invalidation: a change makes new tags, and old entries fall out as the cache fills. It
holds only what the database says, so workers and hosts never need each other's copies.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from registry.public_urls import registry_address
from registry.services.catalogue_state import catalogue_state

ANSWERS = "appstore.answers"


def code_version() -> str:
    """The version of the running code: a new release may shape answers differently."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gemeente-appstore")
    except PackageNotFoundError:  # run from a checkout without installing
        return "checkout"


_VERSION = code_version()


def catalogue_etag(session: Session, parts: Iterable[str]) -> str:
    """The (unquoted) tag of an answer about the catalogue that depends on ``parts``."""
    if "catalogue_state" not in g:  # read once per request, however many tags it makes
        g.catalogue_state = catalogue_state(session)
    text = "\n".join([_VERSION, g.catalogue_state, registry_address(), *parts])  # answers hold absolute links
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_current(etag: str) -> bool:
    """Whether the client holds this answer already (``If-None-Match``, weak comparison)."""
    return request.if_none_match.contains_weak(etag)


def with_validators(response: Response, etag: str, cache_control: str, vary: str = "") -> Response:
    """``response`` marked with its tag and how long and by whom it may be kept."""
    response.set_etag(etag, weak=True)  # the same content; pages differ in their form tokens
    response.headers["Cache-Control"] = cache_control
    if vary:
        response.vary.update(v.strip() for v in vary.split(","))
    return response


def not_modified(etag: str, cache_control: str, vary: str = "") -> Response:
    return with_validators(Response(status=304), etag, cache_control, vary)


class AnswerCache:
    """The latest answers of this worker by tag (a JSON body, or the immutable outline of a
    page), at most ``limit`` bytes as their owners count them, least recently used out."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._size = 0
        self._entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> object | None:
        with self._lock:
            entry = self._entries.get(etag)
            if entry is None:
                return None
            self._entries.move_to_end(etag)
            return entry[0]

    def put(self, etag: str, answer: object, size: int) -> None:
        if size > self.limit // 8:  # one answer never crowds out the rest
            return
        with self._lock:
            if etag in self._entries:
                return
            self._entries[etag] = (answer, size)
            self._size += size
            while self._size > self.limit:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped


def init_app(app: Flask) -> None:
    app.extensions[ANSWERS] = AnswerCache(app.config["CATALOGUE_CACHE_BYTES"])


def answers() -> AnswerCache:
    return current_app.extensions[ANSWERS]
