"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, and a
real registry server with the demo catalogue and a person who can sign in.
Both are made once per session: a test that changes what others see (a password,
say) does it to a person or an app of its own.

Playwright never downloads a browser here: it starts /usr/bin/chromium. Where
Chromium (or Playwright, or axe-core from `make install`) is missing, the
tests skip and say why; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from registry.db import database
from registry.demo import load_demo
from registry.migrations import alembic_config
from registry.service_factories import account_service
from registry.services.organisations import OrganisationService
from tests.conftest import IN_CI, make_app
from tests.e2e.server import RegistryServer, running

CHROMIUM = os.environ.get("APPSTORE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

PERSON = "eva@samen-digitaal.example"
PERSON_NAME = "Eva de Vries"
PASSWORD = "een lang en geheim wachtwoord"
ORGANISATION = "samen-digitaal"
CIVIL_SERVANT = "sam@voorbeeldstad.example"  # owner of the demo municipality, which has environment `test`
MUNICIPALITY = "voorbeeldstad"
VENDOR_PERSON = "vera@vergunningwerk.example"  # owner of the demo vendor and its commercial module
VENDOR = "vergunningwerk"
CHANGER = "chris@samen-digitaal.example"  # changes their password (test_account_browser); nobody else does
#: The people of the store: e-mail address, name, the organisation they own.
PEOPLE = [(PERSON, PERSON_NAME, ORGANISATION), (CIVIL_SERVANT, "Sam Jansen", MUNICIPALITY),
          (VENDOR_PERSON, "Vera Smit", VENDOR), (CHANGER, "Chris Bakker", ORGANISATION)]


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason + " (CI must run the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"Chromium not found at {CHROMIUM}; install Debian's chromium package (scripts/system-deps)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is missing; pip install -e '.[server,test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def load_store(data_dir: Path) -> None:
    """The demo catalogue and PEOPLE, on the schema straight from the models (the browser
    tests do not depend on migrations being up to date). Written from this process, as
    ``appstore-registry demo`` and ``user`` would (those are tested on their own): each
    command would cost a Python start-up."""
    url = f"sqlite:///{data_dir / 'registry.db'}"
    app = make_app(data_dir, url)
    command.stamp(alembic_config(url), "head")  # `serve` takes only a database at this version's schema
    for _line in load_demo(app):
        pass
    with database(app).session() as session:
        accounts = account_service(app, session)
        for email, name, organisation in PEOPLE:
            accounts.create_user(email, name, PASSWORD)
            accounts.add_member(email, OrganisationService(session).get(organisation), "owner")
        session.commit()
    database(app).dispose()


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A running registry with the demo catalogue, a person who owns `samen-digitaal`,
    one who owns the demo municipality `voorbeeldstad` and one who owns the vendor."""
    server = RegistryServer(tmp_path_factory.mktemp("store") / "data")
    load_store(server.data_dir)
    with running(server):
        yield server


@pytest.fixture
def page(browser: Any, store: RegistryServer) -> Iterator[Any]:
    """A fresh browser tab (no cookies) on the store, desktop-sized."""
    context = browser.new_context(base_url=store.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page: Any, email: str = PERSON, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
