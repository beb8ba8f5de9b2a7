"""Signed-in browsers, kept on the server so that signing out really ends them.

The browser's cookie carries a random session id; the database keeps only its
sha256. A session ends when its owner signs out, when the password changes,
after ``idle`` without a request, and ``absolute`` after signing in whatever
the activity. Last-seen is written at most once per ``touch_every``, not on
every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from registry.models import SignInSession, User
from registry.transactions import before_commit

MAX_USER_AGENT_LENGTH = 200


@dataclass(frozen=True)
class SessionLifetimes:
    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(minutes=1)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SignInSessions:
    def __init__(self, session: Session, lifetimes: SessionLifetimes = SessionLifetimes()) -> None:
        self.session = session
        self.lifetimes = lifetimes

    def start(self, user: User, now: datetime, *, address: str = "", user_agent: str = "") -> str:
        """A new session of ``user``; returns the id for the cookie (not stored anywhere)."""
        self._forget_expired(now)  # sessions nobody comes back to would pile up otherwise
        session_id = secrets.token_urlsafe(32)
        self.session.add(SignInSession(
            token_hash=_digest(session_id), user_id=user.id, created_at=now, last_seen_at=now,
            expires_at=now + self.lifetimes.absolute, address=address[:64],
            user_agent=user_agent[:MAX_USER_AGENT_LENGTH],
        ))
        self.session.flush()
        return session_id

    def user_of(self, session_id: str, now: datetime, *, write: bool = True) -> int | None:
        """The user id of a live session; None when unknown or over. With ``write``, an
        ended session is removed, and last-seen is kept up to date as the unit of work
        commits: on SQLite any write takes the database's one write lock, which a
        page should not hold while it works for the sake of a timestamp."""
        record = self.session.scalars(select(SignInSession).where(
            SignInSession.token_hash == _digest(session_id))).first()
        if record is None:
            return None
        if record.expires_at <= now or record.last_seen_at + self.lifetimes.idle <= now:
            if write:
                self.session.delete(record)
                self._forget_expired(now)
                self.session.flush()
            return None
        if write and now - record.last_seen_at >= self.lifetimes.touch_every:
            # By id: the request may end this very session (signing out) before it commits.
            touch = update(SignInSession).where(SignInSession.id == record.id).values(last_seen_at=now)
            before_commit(self.session, lambda: self.session.execute(touch.execution_options(
                synchronize_session=False)))
        return record.user_id

    def end(self, session_id: str) -> None:
        self.session.execute(delete(SignInSession).where(SignInSession.token_hash == _digest(session_id)))

    def end_all(self, user_id: int) -> int:
        """End every session of a user (password changed, account disabled); returns how many."""
        result = self.session.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _forget_expired(self, now: datetime) -> None:
        self.session.execute(delete(SignInSession).where(or_(
            SignInSession.expires_at <= now, SignInSession.last_seen_at <= now - self.lifetimes.idle)))

