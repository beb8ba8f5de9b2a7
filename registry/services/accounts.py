"""Accounts: creating users, checking and changing passwords, memberships.

Passwords are hashed with argon2id (``passwords``; the costs are a setting).
How often a password may be tried is up to ``sign_in_limits``; which browsers
are signed in is up to ``sign_in_sessions``: changing a password ends them all.
"""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, NotFound, RegistryError, Unauthorized
from registry.models import ROLES, Membership, Organisation, User, utcnow
from registry.services import audit
from registry.services.passwords import Passwords, passwords_for
from registry.services.sign_in_limits import SignInLimiter, SignInLimits, TooManySignInAttempts
from registry.services.sign_in_sessions import SignInSessions

__all__ = ["AccountService", "SignInLimits", "TooManySignInAttempts", "normalise_email"]


def normalise_email(email: str) -> str:
    return email.strip().lower()


class AccountService:
    def __init__(self, session: Session, limits: SignInLimits | None = None,
                 passwords: Passwords | None = None) -> None:
        self.session = session
        self.limits = limits or SignInLimits()
        self.passwords = passwords or passwords_for()

    def create_user(self, email: str, name: str, password: str, actor: str = "admin") -> User:
        address = _valid_email(email)
        if not name.strip():
            raise RegistryError("Give the person's name.")
        if self.find(address) is not None:
            raise Conflict(f"A user with e-mail address {address} exists already.")
        user = User(email=address, name=name.strip(), password_hash=self.passwords.hash(password))
        self.session.add(user)
        self.session.flush()
        audit.record(self.session, actor, "user.create", address)
        return user

    def set_password(self, user: User, password: str, actor: str = "admin") -> None:
        """Give a user a new password and end every session they have: whoever knew
        the old password, or holds a copy of a session cookie, is out."""
        user.password_hash = self.passwords.hash(password)
        ended = SignInSessions(self.session).end_all(user.id)
        audit.record(self.session, actor, "user.password", user.email, sessions_ended=ended)

    def change_password(self, user: User, current: str, new: str, address: str, now: datetime | None = None) -> None:
        """The user's own change: the current password is checked within the sign-in limits."""
        self._check(user.email, current, address, now or utcnow(), user)
        self.set_password(user, new, actor=user.email)

    def find(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == normalise_email(email))).first()

    def get(self, user_id: int) -> User | None:
        """The active user with this id, with memberships; None when gone or disabled."""
        user = self.session.scalars(
            select(User).where(User.id == user_id)
            .options(selectinload(User.memberships).selectinload(Membership.organisation))
        ).first()
        return user if user is not None and user.active else None

    def sign_in(self, email: str, password: str, address: str, now: datetime | None = None) -> User:
        """The user with these credentials; raises after too many failures."""
        now = now or utcnow()
        user = self._check(normalise_email(email)[:254], password, address, now)
        if self.passwords.needs_rehash(user.password_hash):
            user.password_hash = self.passwords.hash(password)
        user.last_sign_in_at = now
        self.session.flush()
        return user

    def _check(self, email: str, password: str, address: str, now: datetime, expected: User | None = None) -> User:
        """The active user with this e-mail address and password (and ``expected``, when given)."""
        limiter = SignInLimiter(self.session, self.limits)
        limiter.reserve(email, address, now)  # before the check: a refused attempt costs no argon2
        user = self.find(email)
        right = self.passwords.verify(user.password_hash if user else None, password)
        if not right or user is None or not user.active or (expected is not None and user.id != expected.id):
            limiter.failed(now)
            raise Unauthorized("The e-mail address or password is not right.")
        limiter.succeeded(email, address)
        return user

    def add_member(self, email: str, organisation: Organisation, role: str, actor: str = "admin") -> Membership:
        """Give a user a role in an organisation, or change the role they have."""
        if role not in ROLES:
            raise RegistryError(f"The role must be one of {', '.join(ROLES)}.")
        user = self.find(email)
        if user is None:
            raise NotFound(f"There is no user {normalise_email(email)}; create one with "
                           "`appstore-registry user create`.")
        membership = self.session.scalars(select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id)).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
            self.session.add(membership)
        membership.role = role
        audit.record(self.session, actor, "membership.set", organisation.slug, user=user.email, role=role)
        self.session.flush()
        return membership


def _valid_email(email: str) -> str:
    try:
        return normalise_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise RegistryError(f"{email!r} is not a valid e-mail address: {exc}") from None
