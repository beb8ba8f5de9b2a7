"""API tokens: shown once, stored hashed, recognisable, revocable, tied to one organisation."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.db import database
from registry.errors import NotFound, Unauthorized
from registry.models import ApiToken, Base
from registry.services.organisations import OrganisationService
from registry.services.tokens import TOKEN_PREFIX, TokenService
from tests.conftest import add_organisation

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def authenticate(app: Flask, secret: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    with database(app).session() as session:
        return TokenService(session).authenticate(secret, now=now)


def token_row(app: Flask, secret: str) -> ApiToken:
    with database(app).session() as session:
        return session.scalars(select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(secret.encode())
                                                      .hexdigest())).one()


def test_only_the_hash_is_stored_in_any_row(app: Flask) -> None:
    secret = add_organisation(app, "dimpact")
    with database(app).session() as session:
        rows = [(table.name, row) for table in Base.metadata.sorted_tables
                for row in session.execute(select(table))]
    assert any(name == "api_token" for name, _ in rows)
    assert not [name for name, row in rows if secret in repr(tuple(row))], "the secret is stored somewhere"
    assert token_row(app, secret).token_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_token_is_recognisable_and_unguessable(app: Flask) -> None:
    first = add_organisation(app, "dimpact")
    second = add_organisation(app, "dimpact")
    assert first.startswith(TOKEN_PREFIX) and TOKEN_PREFIX == "gas_"
    assert len(first) >= len(TOKEN_PREFIX) + 40  # 256 random bits in URL-safe base64
    assert first != second
    assert token_row(app, first).prefix == first[: len(TOKEN_PREFIX) + 8]


@pytest.mark.parametrize("secret", ["not-a-token", "Bearer gas_x", "gas_", "gas_" + "A" * 43])
def test_unknown_or_foreign_secret_is_refused(app: Flask, secret: str) -> None:
    add_organisation(app, "dimpact")
    with pytest.raises(Unauthorized):
        authenticate(app, secret)


def test_revoked_token_is_refused_and_other_tokens_keep_working(app: Flask) -> None:
    revoked = add_organisation(app, "dimpact")
    kept = add_organisation(app, "dimpact")
    token_id = authenticate(app, revoked).token_id
    with database(app).session() as session:
        TokenService(session).revoke(token_id)
        session.commit()

    with pytest.raises(Unauthorized, match="revoked"):
        authenticate(app, revoked)
    assert authenticate(app, kept).organisation == "dimpact"
    assert token_row(app, revoked).revoked_at is not None


def test_revoking_an_unknown_token_is_not_found(app: Flask) -> None:
    with database(app).session() as session, pytest.raises(NotFound):
        TokenService(session).revoke(9999)


def test_last_use_is_recorded_at_minute_resolution(app: Flask) -> None:
    secret = add_organisation(app, "dimpact")
    assert token_row(app, secret).last_used_at is None

    authenticate(app, secret, now=NOON)
    authenticate(app, secret, now=NOON + timedelta(seconds=30))  # spares a write on every request
    assert _utc(token_row(app, secret).last_used_at) == NOON

    authenticate(app, secret, now=NOON + timedelta(minutes=5))
    assert _utc(token_row(app, secret).last_used_at) == NOON + timedelta(minutes=5)


def test_last_use_is_written_as_the_unit_of_work_commits_not_while_it_works(app: Flask) -> None:
    # On SQLite a write takes the database's one write lock: a publish must not hold it
    # through its verification for the sake of a timestamp.
    secret = add_organisation(app, "dimpact")
    with database(app).session() as session:
        TokenService(session).authenticate(secret, now=NOON)
        driver = session.connection().connection.dbapi_connection
        if isinstance(driver, sqlite3.Connection):
            assert not driver.in_transaction  # nothing written yet, so no write lock held
    assert _utc(token_row(app, secret).last_used_at) == NOON

    with pytest.raises(RuntimeError), database(app).session() as session:
        TokenService(session).authenticate(secret, now=NOON + timedelta(minutes=5))
        raise RuntimeError("the request failed")
    assert _utc(token_row(app, secret).last_used_at) == NOON  # a rolled-back unit of work writes nothing


def test_token_acts_for_exactly_its_own_organisation(app: Flask) -> None:
    dimpact = add_organisation(app, "dimpact")
    wigo4it = add_organisation(app, "wigo4it", kind="cooperation")
    assert (authenticate(app, dimpact).organisation, authenticate(app, dimpact).kind) == ("dimpact", "cooperation")
    assert authenticate(app, wigo4it).organisation == "wigo4it"
    assert authenticate(app, dimpact).organisation_id != authenticate(app, wigo4it).organisation_id


def test_token_without_an_organisation_cannot_exist(app: Flask) -> None:
    with pytest.raises(IntegrityError), database(app).session() as session:  # refused as the block commits
        session.add(ApiToken(prefix="gas_orphan", token_hash="0" * 64))


def test_tokens_are_listed_per_organisation(app: Flask) -> None:
    add_organisation(app, "dimpact")
    add_organisation(app, "dimpact")
    add_organisation(app, "wigo4it")
    with database(app).session() as session:
        organisations = OrganisationService(session)
        listed = {slug: [t.organisation.slug for t in TokenService(session).list(organisations.get(slug))]
                  for slug in ("dimpact", "wigo4it")}
    assert listed == {"dimpact": ["dimpact", "dimpact"], "wigo4it": ["wigo4it"]}


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes back; they were stored as UTC.
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
