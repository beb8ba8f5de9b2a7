"""Sign-in limits: counted atomically, so concurrent guesses never get more than
the limit checked; keyed so that nobody can lock someone else out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from registry.db import database
from registry.errors import Unauthorized
from registry.services.accounts import AccountService, SignInLimits, TooManySignInAttempts
from registry.services.passwords import Passwords, passwords_for
from tests.e2e.server import CHEAP_PASSWORDS

PASSWORD = "correct horse battery staple"
EVA = "eva@dimpact.example"
LIMITS = SignInLimits(per_account_address=5, per_address=30, window=timedelta(minutes=15))
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STRANGER, OWNER, OFFICE = "203.0.113.9", "198.51.100.4", "192.0.2.50"


class CountingPasswords(Passwords):
    """Cheap hashes that count how many passwords were really checked, across threads."""

    def __init__(self) -> None:
        super().__init__(passwords_for(CHEAP_PASSWORDS).hasher)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, password_hash: str | None, password: str) -> bool:
        with self._lock:
            self.checked += 1
        return super().verify(password_hash, password)


PASSWORDS = CountingPasswords()


def add_user(app: Flask, email: str = EVA) -> None:
    with database(app).session() as session:
        AccountService(session, passwords=PASSWORDS).create_user(email, email.split("@")[0].title(), PASSWORD)
        session.commit()


def attempt(app: Flask, email: str, password: str, address: str, now: datetime = NOW,
            limits: SignInLimits = LIMITS) -> str:
    """'ok', 'wrong' or 'limited'."""
    with database(app).session() as session:
        try:
            AccountService(session, limits, PASSWORDS).sign_in(email, password, address, now)
        except TooManySignInAttempts:
            return "limited"
        except Unauthorized:
            return "wrong"
        return "ok"


@pytest.fixture
def checked_passwords() -> Callable[[], int]:
    """How many passwords were really checked (argon2 verifications) in this test."""
    PASSWORDS.checked = 0
    return lambda: PASSWORDS.checked


def test_forty_concurrent_guesses_get_at_most_the_limit_checked(
        app: Flask, checked_passwords: Callable[[], int]) -> None:
    add_user(app)
    start = threading.Barrier(40)

    def guess(i: int) -> str:
        start.wait()
        return attempt(app, EVA, f"guess number {i}", STRANGER)

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    assert checked_passwords() <= LIMITS.per_account_address
    assert outcomes.count("wrong") == checked_passwords()
    assert outcomes.count("limited") == 40 - checked_passwords()


def test_a_stranger_cannot_lock_the_owner_out(app: Flask, checked_passwords: Callable[[], int]) -> None:
    add_user(app)
    outcomes = [attempt(app, EVA, f"guess number {i}", STRANGER) for i in range(12)]
    assert outcomes == ["wrong"] * 5 + ["limited"] * 7
    assert attempt(app, EVA, PASSWORD, STRANGER) == "limited"  # even the right password waits, there
    assert attempt(app, EVA, PASSWORD, OWNER) == "ok"
    assert checked_passwords() == 6  # the refused attempts cost no password check


def test_one_persons_typos_do_not_lock_out_their_office(app: Flask) -> None:
    add_user(app)
    add_user(app, "kees@dimpact.example")
    assert [attempt(app, "kees@dimpact.example", f"typo {i}", OFFICE) for i in range(8)][-1] == "limited"
    assert attempt(app, EVA, PASSWORD, OFFICE) == "ok"
    for i in range(4):  # the office keeps working, typos and all
        assert attempt(app, EVA, "a typo of eva" if i % 2 else PASSWORD, OFFICE) in ("ok", "wrong")
    assert attempt(app, EVA, PASSWORD, OFFICE) == "ok"


def test_one_address_guessing_many_accounts_is_limited(app: Flask) -> None:
    limits = SignInLimits(per_account_address=5, per_address=8)
    outcomes = [attempt(app, f"nobody{i}@example.org", "x" * 12, STRANGER, limits=limits) for i in range(9)]
    assert outcomes == ["wrong"] * 8 + ["limited"]
    assert attempt(app, "somebody@example.org", "x" * 12, OWNER, limits=limits) == "wrong"  # others are not


def test_successful_sign_ins_give_their_slots_back(app: Flask) -> None:
    add_user(app)
    small = SignInLimits(per_account_address=3, per_address=3)
    assert attempt(app, EVA, "a typo of eva", OFFICE, limits=small) == "wrong"
    for _ in range(10):  # more sign-ins from one office than the address limit: all fine
        assert attempt(app, EVA, PASSWORD, OFFICE, limits=small) == "ok"


def test_the_limit_lifts_after_the_window(app: Flask) -> None:
    add_user(app)
    for i in range(6):
        attempt(app, EVA, f"guess {i}", STRANGER)
    assert attempt(app, EVA, PASSWORD, STRANGER, NOW + timedelta(minutes=14)) == "limited"
    assert attempt(app, EVA, PASSWORD, STRANGER, NOW + timedelta(minutes=16)) == "ok"
