"""Accounts: the admin commands and argon2 hashes (sign-in limits: test_sign_in_limits.py)."""

from __future__ import annotations

from click.testing import CliRunner, Result
from flask import Flask

from registry.cli import main
from registry.db import database
from registry.models import User
from registry.services.organisations import OrganisationService


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
