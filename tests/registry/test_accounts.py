"""Accounts: the admin commands and argon2 hashes (sign-in limits: test_sign_in_limits.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from flask import Flask

from registry.cli import main
from registry.config import Defaults
from registry.db import database
from registry.errors import ConfigurationError
from registry.models import User
from registry.service_factories import account_service
from registry.services.accounts import AccountService
from registry.services.organisations import OrganisationService
from registry.services.passwords import DEFAULT_PROFILE, Passwords, passwords_for
from tests.conftest import make_app
from tests.e2e.server import CHEAP_PASSWORDS


def admin(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), obj={"app": app})


def test_user_create_and_add_member(app: Flask) -> None:
    with database(app).session() as session:
        OrganisationService(session).create("dimpact", "Dimpact", "cooperation")
        session.commit()
    created = admin(app, "user", "create", "Eva@Dimpact.example", "--name", "Eva",
                    "--password", "een lang wachtwoord")
    assert created.exit_code == 0, created.output
    added = admin(app, "user", "add-member", "eva@dimpact.example", "--org", "dimpact", "--role", "owner")
    assert added.exit_code == 0, added.output
    with database(app).session() as session:
        user = session.query(User).one()
        assert user.email == "eva@dimpact.example"
        assert user.password_hash.startswith("$argon2id$")
        assert [m.role for m in user.memberships] == ["owner"]


def test_short_password_is_refused(app: Flask) -> None:
    result = admin(app, "user", "create", "eva@dimpact.example", "--name", "Eva", "--password", "kort")
    assert result.exit_code != 0


def test_a_registry_hashes_with_the_secure_argon2_costs_unless_told_otherwise(sqlite_url: str, tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", sqlite_url, PASSWORD_HASH_PROFILE=DEFAULT_PROFILE)
    with database(app).session() as session:
        user = account_service(app, session).create_user("eva@dimpact.example", "Eva", "een lang wachtwoord")
    assert "$m=65536,t=3,p=4$" in user.password_hash  # RFC 9106, low-memory profile
    assert Defaults.PASSWORD_HASH_PROFILE == DEFAULT_PROFILE


def test_a_hash_made_with_other_costs_is_redone_at_sign_in(app: Flask) -> None:
    cheap = passwords_for(CHEAP_PASSWORDS)
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    with database(app).session() as session:
        AccountService(session, passwords=cheap).create_user("eva@dimpact.example", "Eva", "een lang wachtwoord")
        session.commit()
    with database(app).session() as session:
        user = AccountService(session, passwords=stronger).sign_in("eva@dimpact.example", "een lang wachtwoord",
                                                                  "192.0.2.1")
        assert "$m=16,t=2,p=1$" in user.password_hash
        assert not stronger.needs_rehash(user.password_hash)


def test_an_unknown_hash_profile_is_refused_at_start(sqlite_url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="APPSTORE_PASSWORD_HASH_PROFILE='fast'.*rfc9106-low-memory"):
        make_app(tmp_path / "data", sqlite_url, PASSWORD_HASH_PROFILE="fast")
