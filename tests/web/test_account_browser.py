"""A person changes their password in a real browser; another browser holding a
copy of the session cookie is signed out by it, and so is one after signing out."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import CHANGER, PASSWORD, sign_in

# Under xdist the browser's tests share one worker, which alone starts Chromium and the store.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

NEW_PASSWORD = "een nieuw en nog langer wachtwoord"


def thief_of(browser: Any, store: Any, page: Any) -> Any:
    """A second browser with a copy of the first one's cookies."""
    context = browser.new_context(base_url=store.url)
    context.add_cookies(page.context.cookies())
    return context.new_page()


def test_changing_the_password_signs_out_a_copied_cookie(browser: Any, store: Any, page: Any) -> None:
    sign_in(page, CHANGER)
    thief = thief_of(browser, store, page)
    thief.goto("/account")
    expect(thief.get_by_role("heading", name="Mijn account")).to_be_visible()
    page.goto("/account")
    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord nog eens").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.get_by_text("Uw wachtwoord is gewijzigd.")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()  # this browser stays in
    thief.goto("/account")
    expect(thief.get_by_role("heading", name="Inloggen")).to_be_visible()
    thief.context.close()


def test_two_different_new_passwords_are_refused_with_a_reason(page: Any) -> None:
    sign_in(page)
    page.goto("/account")
    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord nog eens").fill("iets anders dan dat")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.get_by_text("De twee nieuwe wachtwoorden zijn niet gelijk.")).to_be_visible()


def test_signing_out_signs_out_a_copied_cookie(browser: Any, store: Any, page: Any) -> None:
    sign_in(page)
    thief = thief_of(browser, store, page)
    page.get_by_role("button", name="Uitloggen").click()
    thief.goto("/account")
    expect(thief.get_by_role("heading", name="Inloggen")).to_be_visible()
    thief.context.close()
