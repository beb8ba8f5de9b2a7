"""Who is signed in: the user id in the signed session cookie, checked on each request.

The session also holds a fingerprint of the password hash, so changing a
password signs out every other browser.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for

from registry.db import request_session
from registry.models import User
from registry.services.accounts import AccountService

SESSION_LIFETIME = timedelta(hours=12)
MAX_NEXT = 2000
#: Controls (C0, DEL, C1) and every kind of blank; one character class, linear time.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.context_processor(lambda: {"current_user": current_user()})


def _fingerprint(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def current_user() -> User | None:
    """The signed-in user, or None."""
    if "current_user" not in g:
        user = None
        user_id = session.get("user_id")
        if isinstance(user_id, int):
            user = AccountService(request_session()).get(user_id)
            if user is not None and not hmac.compare_digest(session.get("auth", ""), _fingerprint(user)):
                user = None
        g.current_user = user
    return g.current_user


def sign_in(user: User) -> None:
    language = session.get("lang")
    session.clear()  # a fresh session: nothing from before the sign-in carries over
    if language:
        session["lang"] = language
    session.permanent = True
    session["user_id"] = user.id
    session["auth"] = _fingerprint(user)
    g.current_user = user


def sign_out() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    g.current_user = None


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
