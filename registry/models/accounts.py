"""Accounts of people: users, their memberships of organisations, their signed-in
browsers and the counts that slow down password guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.core import Base, Organisation, utcnow

__all__ = ["ROLES", "ROLE_OWNER", "ROLE_MAINTAINER", "ROLE_MEMBER", "User", "Membership", "SignInSession",
           "SignInThrottle"]

ROLE_OWNER = "owner"
ROLE_MAINTAINER = "maintainer"
ROLE_MEMBER = "member"
ROLES = (ROLE_OWNER, ROLE_MAINTAINER, ROLE_MEMBER)


class User(Base):
    """A person who signs in to the web store. Only an argon2 hash of the password is kept."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", order_by="Membership.id")


class Membership(Base):
    """A user's role in one organisation: owner, maintainer or member."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class SignInSession(Base):
    """A browser that is signed in. The cookie carries a random id; only its sha256 is kept,
    so a copy of the database does not let anyone take over a session."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the absolute end, whatever the activity
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class SignInThrottle(Base):
    """Failed sign-ins in the current window, of one (e-mail address, client address)
    pair, or of one client address across accounts (``email`` empty).

    One row per key, raised with a single atomic statement, so that concurrent
    attempts on every worker and host can never see more than the limit.
    """

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("email", "address", name="uq_sign_in_throttle_email_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime] = mapped_column(index=True)
    failures: Mapped[int]
