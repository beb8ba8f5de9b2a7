"""Slowing down password guessing without letting a stranger lock anyone out.

Every attempt first reserves a slot in two counters, each raised by one atomic
upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``): one for the pair
(e-mail address, client address) with a small limit, one for the client
address across accounts with a larger one. Only an attempt that got a slot
within both limits has its password checked, so however many attempts arrive
at once, no more than the limit are ever checked. A success gives its slots
back.

There is deliberately no limit per account alone: it would let anyone who
knows an e-mail address lock its owner out. Someone guessing from elsewhere
spends their own address's allowance; a colleague's typos behind the same
office address spend only their own pair's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.errors import RegistryError
from registry.models import SignInThrottle, table_of
from registry.models.core import UtcDateTime

ACROSS_ACCOUNTS = ""  # the e-mail address of an address's count across accounts
MAX_ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class SignInLimits:
    """How many sign-ins may be checked within ``window`` per key before waiting."""

    per_account_address: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)


class TooManySignInAttempts(RegistryError):
    status, title, slug = 429, "Too many sign-in attempts", "too-many-sign-in-attempts"


class SignInLimiter:
    """The counters of one database. Each method commits, a documented exception to
    the request's single commit (``registry.transactions``): a reservation must be
    visible to every other worker before the slow password check starts, and a
    refused sign-in must count even when its request ends in an error."""

    def __init__(self, session: Session, limits: SignInLimits = SignInLimits()) -> None:
        self.session = session
        self.limits = limits

    def reserve(self, email: str, address: str, now: datetime) -> None:
        """Take a slot for checking a password; raises when a limit is reached."""
        address = address[:MAX_ADDRESS_LENGTH]
        if self._raise(email, address, now) > self.limits.per_account_address:
            self.session.commit()
            self._refuse()
        if self._raise(ACROSS_ACCOUNTS, address, now) > self.limits.per_address:
            self.session.commit()
            self._refuse()
        self.session.commit()

    def succeeded(self, email: str, address: str) -> None:
        """The password was right: the pair starts afresh and the address gets its slot back."""
        address = address[:MAX_ADDRESS_LENGTH]
        self.session.execute(delete(SignInThrottle).where(
            SignInThrottle.email == email, SignInThrottle.address == address))
        self.session.execute(update(SignInThrottle).where(
            SignInThrottle.email == ACROSS_ACCOUNTS, SignInThrottle.address == address,
            SignInThrottle.failures > 0).values(failures=SignInThrottle.failures - 1))

    def failed(self, now: datetime) -> None:
        """The password was wrong: the slots stay taken; forget windows long past."""
        self.session.execute(delete(SignInThrottle).where(SignInThrottle.window_start < now - 4 * self.limits.window))
        self.session.commit()

    def _raise(self, email: str, address: str, now: datetime) -> int:
        """Add one to the count of this key in the current window, and return the new count."""
        table = table_of(SignInThrottle)
        dialect = self.session.get_bind().dialect.name
        inserts: dict[str, Callable[[Table], postgresql.Insert | sqlite.Insert]] = {
            "postgresql": postgresql.insert, "sqlite": sqlite.insert}
        insert = inserts.get(dialect)
        if insert is None:
            raise RegistryError(f"Sign-in limits need SQLite or PostgreSQL, not {dialect}.")
        expired = table.c.window_start <= literal(now - self.limits.window, UtcDateTime())
        statement = insert(table).values(email=email, address=address, window_start=now, failures=1)
        upsert = statement.on_conflict_do_update(
            index_elements=[table.c.email, table.c.address],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_start": case((expired, literal(now, UtcDateTime())), else_=table.c.window_start),
            },
        ).returning(table.c.failures)
        return int(self.session.execute(upsert).scalar_one())

    def _refuse(self) -> None:
        minutes = int(self.limits.window.total_seconds() // 60)
        raise TooManySignInAttempts(f"Too many failed sign-ins; wait {minutes} minutes and try again.")
