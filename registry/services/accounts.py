"""Accounts: creating users, checking and changing passwords, memberships.

Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106).
How often a password may be tried is up to ``sign_in_limits``; which browsers
are signed in is up to ``sign_in_sessions``: changing a password ends them all.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.errors import Conflict, NotFound, RegistryError, Unauthorized
from registry.models import ROLES, Membership, Organisation, User, utcnow
from registry.services import audit
from registry.services.sign_in_limits import SignInLimiter, SignInLimits, TooManySignInAttempts
from registry.services.sign_in_sessions import SignInSessions

__all__ = ["AccountService", "SignInLimits", "TooManySignInAttempts", "hash_password", "normalise_email"]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work per request


_hasher = PasswordHasher()
# Verified against when the account does not exist, so that the answer takes
# as long as for a real account and does not tell which addresses are known.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class AccountService:
    def __init__(self, session: Session, limits: SignInLimits | None = None) -> None:
        self.session = session
        self.limits = limits or SignInLimits()

    def create_user(self, email: str, name: str, password: str, actor: str = "admin") -> User:
        address = _valid_email(email)
        if not name.strip():
            raise RegistryError("Give the person's name.")
        if self.find(address) is not None:
            raise Conflict(f"A user with e-mail address {address} exists already.")
        user = User(email=address, name=name.strip(), password_hash=hash_password(password))
        self.session.add(user)
        self.session.flush()
        audit.record(self.session, actor, "user.create", address)
        return user

    def set_password(self, user: User, password: str, actor: str = "admin") -> None:
        """Give a user a new password and end every session they have: whoever knew
        the old password, or holds a copy of a session cookie, is out."""
        user.password_hash = hash_password(password)
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
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_sign_in_at = now
        self.session.flush()
        return user

    def _check(self, email: str, password: str, address: str, now: datetime, expected: User | None = None) -> User:
        """The active user with this e-mail address and password (and ``expected``, when given)."""
        limiter = SignInLimiter(self.session, self.limits)
        limiter.reserve(email, address, now)  # before the check: a refused attempt costs no argon2
        user = self.find(email)
        right = _verify(user.password_hash if user else _DUMMY_HASH, password)
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


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RegistryError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RegistryError(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _valid_email(email: str) -> str:
    try:
        return normalise_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise RegistryError(f"{email!r} is not a valid e-mail address: {exc}") from None
