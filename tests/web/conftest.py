"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, and a
real registry server with the demo catalogue and a person who can sign in.

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
from sqlalchemy import create_engine

from registry.models import Base
from tests.conftest import IN_CI
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


def create_schema(data_dir: Path) -> None:
    """The schema straight from the models, as the unit tests make it, so that
    the browser tests do not depend on migrations being up to date."""
    engine = create_engine(f"sqlite:///{data_dir / 'registry.db'}")
    Base.metadata.create_all(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A running registry with the demo catalogue, a person who owns `samen-digitaal`
    and one who owns the demo municipality `voorbeeldstad`."""
    server = RegistryServer(tmp_path_factory.mktemp("store") / "data")
    server.data_dir.mkdir(parents=True)
    create_schema(server.data_dir)
    server.admin("demo")
    server.admin("user", "create", PERSON, "--name", PERSON_NAME, "--password", PASSWORD)
    server.admin("user", "add-member", PERSON, "--org", ORGANISATION, "--role", "owner")
    server.admin("user", "create", CIVIL_SERVANT, "--name", "Sam Jansen", "--password", PASSWORD)
    server.admin("user", "add-member", CIVIL_SERVANT, "--org", MUNICIPALITY, "--role", "owner")
    server.admin("user", "create", VENDOR_PERSON, "--name", "Vera Smit", "--password", PASSWORD)
    server.admin("user", "add-member", VENDOR_PERSON, "--org", VENDOR, "--role", "owner")
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
