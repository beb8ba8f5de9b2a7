"""Who is signed in: a server-side session whose id the signed cookie carries.

The id is checked against the database on every request of the pages, so a
session ended on the server (signed out, password changed, idle or too old)
stops working at once, also in a copy of the cookie.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for

from registry.db import request_session
from registry.extensions import CLOCK
from registry.models import User
from registry.service_factories import account_service, sign_in_sessions

SESSION_KEY = "sid"
MAX_NEXT = 2000
#: Controls (C0, DEL, C1) and every kind of blank; one character class, linear time.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    # The cookie may live as long as a session can; the server decides sooner.
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=app.config["SESSION_LIFETIME_HOURS"]))
    app.context_processor(lambda: {"current_user": current_user()})


def now() -> datetime:
    """The app's clock (replaceable in tests, so that nobody waits for a session to expire)."""
    return current_app.extensions[CLOCK]()


def client_address() -> str:
    """The client's address: the peer's, or, behind APPSTORE_TRUSTED_PROXIES proxies, the one they report."""
    return request.remote_addr or "unknown"


def load_user() -> None:
    """Check the browser's session at the start of a request of the pages: this is
    where last-seen is written and an ended session removed, in the request's
    unit of work (committed with the view's own work)."""
    g.current_user = _load_user(write=True)


def current_user() -> User | None:
    """The signed-in user, or None. Outside the pages' requests (an error page) it
    is only read, never written."""
    if "current_user" not in g:
        g.current_user = _load_user(write=False)
    return g.current_user


def _load_user(*, write: bool) -> User | None:
    session_id = session.get(SESSION_KEY)
    if not isinstance(session_id, str):
        return None
    user_id = sign_in_sessions(current_app, request_session()).user_of(session_id, now(), write=write)
    user = account_service(current_app, request_session()).get(user_id) if user_id is not None else None
    if user is None:
        _clear_cookie_session()  # ended on the server: the cookie forgets it too
    return user


def sign_in(user: User) -> None:
    """Start a new session for ``user``. Its id is new whatever the browser had
    before, so an id planted before the sign-in (session fixation) is worthless."""
    sessions = sign_in_sessions(current_app, request_session())
    old = session.get(SESSION_KEY)
    if isinstance(old, str):
        sessions.end(old)
    session_id = sessions.start(user, now(), address=client_address(),
                                user_agent=request.headers.get("User-Agent", ""))
    _clear_cookie_session()  # nothing from before the sign-in carries over
    session.permanent = True
    session[SESSION_KEY] = session_id
    g.current_user = user


def rotate(user: User) -> None:
    """A new session id for the browser that changed the password (all others ended)."""
    session.pop(SESSION_KEY, None)
    sign_in(user)


def sign_out() -> None:
    session_id = session.get(SESSION_KEY)
    if isinstance(session_id, str):
        sign_in_sessions(current_app, request_session()).end(session_id)
    _clear_cookie_session()
    g.current_user = None


def _clear_cookie_session() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def signed_in_user() -> User:
    """The signed-in user, in a view behind :func:`signed_in` (which sends everyone else away)."""
    user = current_user()
    if user is None:
        raise RuntimeError("signed_in_user() called in a view without @signed_in")
    return user


def signed_in(view: F) -> F:
    """Send people who are not signed in to the sign-in page, and back afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site; ``default`` otherwise (no open redirects).

    Only a relative path that starts with one ``/`` passes: no scheme or host,
    no ``//`` or backslash (browsers read both as a host), and no control
    characters or blanks, which would split the Location header (CR/LF) or
    which browsers drop (``/\t/evil.example`` becomes ``//evil.example``).
    """
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or _UNSAFE_IN_NEXT.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
