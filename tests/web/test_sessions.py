"""Sign-in sessions live on the server: a copy of the cookie stops working when
its session ends (sign-out, password change, idle, too old), and the session id
is new at every sign-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.db import database
from registry.extensions import CLOCK
from registry.models import SignInSession
from tests.web.helpers import PASSWORD, add_person, csrf_token, sign_in

EVA = "eva@dimpact.example"
NEW_PASSWORD = "a new and much longer secret"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "the first browser has no session cookie"
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def clock(app: Flask) -> Callable[[timedelta], None]:
    """The app's clock, stopped at a moment and moved on by the test (nobody sleeps)."""
    moment = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    app.extensions[CLOCK] = lambda: moment[0]

    def advance(by: timedelta) -> None:
        moment[0] += by

    return advance


def change_password(client: FlaskClient, current: str = PASSWORD, new: str = NEW_PASSWORD) -> int:
    token = csrf_token(client, "/account")
    return client.post("/account/password", data={
        "current": current, "new": new, "repeat": new, "csrf_token": token}).status_code


def test_a_copied_cookie_stops_working_after_sign_out(app: Flask, client: FlaskClient) -> None:
    add_person(app, EVA)
    assert sign_in(client, EVA) == 302
    thief = copy_of(app, client)
    assert signed_in(thief)  # the copy works while the session lives: that is what a cookie is
    assert client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")}).status_code == 302
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_password_change_ends_every_other_session_and_rotates_this_one(app: Flask, client: FlaskClient) -> None:
    add_person(app, EVA)
    assert sign_in(client, EVA) == 302
    other_browser = app.test_client()
    assert sign_in(other_browser, EVA) == 302
    thief = copy_of(app, client)
    assert change_password(client) == 302
    assert signed_in(client)  # the browser that changed it stays signed in ...
    assert not signed_in(thief)  # ... under a new session id, so a copy of the old one is dead
    assert not signed_in(other_browser)
    assert sign_in(app.test_client(), EVA, NEW_PASSWORD) == 302
    assert sign_in(app.test_client(), EVA, PASSWORD) == 401


def test_a_password_change_needs_the_current_password(app: Flask, client: FlaskClient) -> None:
    add_person(app, EVA)
    sign_in(client, EVA)
    assert change_password(client, current="not my password") == 401
    assert change_password(client, new="short") == 400
    assert signed_in(client)
    assert sign_in(app.test_client(), EVA, PASSWORD) == 302


def test_an_admin_password_reset_ends_every_session(app: Flask, client: FlaskClient) -> None:
    from click.testing import CliRunner

    from registry.cli import main

    add_person(app, EVA)
    sign_in(client, EVA)
    result = CliRunner().invoke(main, ["user", "set-password", EVA, "--password", NEW_PASSWORD], obj={"app": app})
    assert result.exit_code == 0, result.output
    assert not signed_in(client)


def test_a_session_ends_after_idle_time_and_lives_while_used(
        app: Flask, client: FlaskClient, clock: Callable[[timedelta], None]) -> None:
    add_person(app, EVA)
    sign_in(client, EVA)
    for _ in range(4):  # in use for longer than the idle time: it lives
        clock(timedelta(minutes=50))
        assert signed_in(client)
    thief = copy_of(app, client)
    clock(timedelta(hours=2))
    assert not signed_in(thief)
    assert not signed_in(client)


def test_a_session_ends_at_its_absolute_lifetime_however_busy(
        app: Flask, client: FlaskClient, clock: Callable[[timedelta], None]) -> None:
    add_person(app, EVA)
    sign_in(client, EVA)
    for _ in range(11):
        clock(timedelta(hours=1))
        assert signed_in(client)
    clock(timedelta(hours=1))
    assert not signed_in(client)


def test_last_seen_is_not_written_on_every_request(
        app: Flask, client: FlaskClient, clock: Callable[[timedelta], None]) -> None:
    add_person(app, EVA)
    sign_in(client, EVA)
    clock(timedelta(seconds=10))
    assert signed_in(client)
    with database(app).session() as session:
        record = session.scalars(select(SignInSession)).one()
        assert record.last_seen_at == record.created_at
    clock(timedelta(minutes=5))
    assert signed_in(client)
    with database(app).session() as session:
        record = session.scalars(select(SignInSession)).one()
        assert record.last_seen_at == record.created_at + timedelta(minutes=5, seconds=10)


def test_signing_out_when_last_seen_is_due_ends_the_session(
        app: Flask, client: FlaskClient, clock: Callable[[timedelta], None]) -> None:
    """Last-seen is written as the request commits, after the sign-out removed its row."""
    add_person(app, EVA)
    sign_in(client, EVA)
    token = csrf_token(client, "/account")
    clock(timedelta(minutes=5))
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert not signed_in(client)
    with database(app).session() as session:
        assert session.scalars(select(SignInSession)).first() is None


def test_the_session_id_is_new_at_every_sign_in_and_stored_only_as_a_hash(app: Flask, client: FlaskClient) -> None:
    add_person(app, EVA)
    before = app.test_client()
    before.get("/sign-in")
    planted = before.get_cookie("session")
    assert planted is not None
    victim = app.test_client()
    victim.set_cookie("session", planted.value)  # a cookie an attacker made the victim use
    assert sign_in(victim, EVA) == 302
    assert not signed_in(before)  # the planted cookie did not become signed in
    first = victim.get_cookie("session").value
    sign_in(victim, EVA)
    assert victim.get_cookie("session").value != first
    with database(app).session() as session:
        hashes = session.scalars(select(SignInSession.token_hash)).all()
    assert len(hashes) == 1  # signing in again ended the session the browser had
    with app.test_request_context():
        stored = app.session_interface.get_signing_serializer(app).loads(victim.get_cookie("session").value)
    assert stored["sid"] not in hashes[0] and len(hashes[0]) == 64


def test_a_disabled_account_is_signed_out(app: Flask, client: FlaskClient) -> None:
    from registry.models import User

    add_person(app, EVA)
    sign_in(client, EVA)
    with database(app).session() as session:
        session.scalars(select(User)).one().active = False
        session.commit()
    assert not signed_in(client)
