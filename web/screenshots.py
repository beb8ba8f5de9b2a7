"""Screenshots of the main pages at desktop and phone width, for people to look at.

    python -m web.screenshots [--out screenshots] [--chromium /usr/bin/chromium]

(or ``make screenshots``). Builds a throwaway registry with the demo catalogue
in a temporary folder, serves it on 127.0.0.1 in this process, and drives
Debian's Chromium with Playwright. Writes ``<page>-<desktop|phone>.png``.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.serving import make_server

from registry.app import create_app
from registry.db import database
from registry.demo import load_demo
from registry.models import ROLE_OWNER, Base
from registry.services.accounts import AccountService
from registry.services.landscape import LandscapeService
from registry.services.membership import MemberCaller
from registry.services.organisations import OrganisationService
from registry.services.planning import PlanRequest

if TYPE_CHECKING:  # playwright comes with the test extra; it is imported where the pages are shot
    from playwright.sync_api import ViewportSize

WIDTHS: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "home": "/",
    "results": "/apps?q=zaak",
    "results-filtered": "/apps?layer=process&license=open",
    "app": "/apps/zaakafhandelcomponent",
    "app-commercial": "/apps/vergunningen-pro",
    "app-yanked-release": "/apps/notificatiecomponent",
    "release": "/apps/notificatiecomponent/releases/1.6.1",
    "publisher": "/organisations/samen-digitaal",
    "sign-in": "/sign-in",
}
SIGNED_IN = {"organisation-tokens": "/organisations/samen-digitaal", "publish": "/publish"}
ENVIRONMENT = "/organisations/voorbeeldstad/environments/test"
# Pages of the demo municipality; demo_registry makes plans 1 (recorded), 2 (blocked) and 3 (ready).
MUNICIPAL = {
    "organisation-environments": "/organisations/voorbeeldstad",
    "environment": ENVIRONMENT,
    "plan-blocked": f"{ENVIRONMENT}/plans/2",
    "plan-ready": f"{ENVIRONMENT}/plans/3",
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EMAIL, PASSWORD = "screenshots@samen-digitaal.example", "screenshots-only-password"
CIVIL_SERVANT = "screenshots@voorbeeldstad.example"


def demo_registry(folder: Path):  # type: ignore[no-untyped-def]
    app = create_app({"DATA_DIR": str(folder), "LOAD_INSTALLED_PLUGINS": False, "SECRET_KEY": "screenshots"})
    Base.metadata.create_all(database(app).engine)
    for _line in load_demo(app):
        pass
    with database(app).session() as session:
        accounts = AccountService(session)
        accounts.create_user(EMAIL, "Eva de Vries", PASSWORD)
        accounts.add_member(EMAIL, OrganisationService(session).get("samen-digitaal"), ROLE_OWNER)
        municipality = OrganisationService(session).get("voorbeeldstad")
        user = accounts.create_user(CIVIL_SERVANT, "Sam Jansen", PASSWORD)
        accounts.add_member(CIVIL_SERVANT, municipality, ROLE_OWNER)
        session.flush()
        _plans(session, MemberCaller(municipality.id, municipality.slug, municipality.kind, 0, user.id))
    return app


def _plans(session, caller: MemberCaller) -> None:  # type: ignore[no-untyped-def]
    """One recorded install, one blocked plan (a config value is missing) and one ready plan."""
    landscape = LandscapeService(session, caller)
    installed = landscape.plan("voorbeeldstad", "test", PlanRequest("notificatiecomponent"))
    landscape.record("voorbeeldstad", "test", installed.id)
    landscape.plan("voorbeeldstad", "test", PlanRequest("zaakafhandelcomponent"))
    landscape.plan("voorbeeldstad", "test", PlanRequest("objectenregistratie"))


def take(base_url: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for width_name, viewport in WIDTHS.items():
            context = browser.new_context(base_url=base_url, viewport=viewport, is_mobile=width_name == "phone")
            tab = context.new_page()
            for name, path in PAGES.items():
                written.append(_shoot(tab, path, out / f"{name}-{width_name}.png"))
            for email, pages in ((EMAIL, SIGNED_IN), (CIVIL_SERVANT, MUNICIPAL)):
                tab.context.clear_cookies()
                tab.goto("/sign-in")
                tab.fill("#email", email)
                tab.fill("#password", PASSWORD)
                tab.click("main button[type=submit]")
                for name, path in pages.items():
                    written.append(_shoot(tab, path, out / f"{name}-{width_name}.png"))
            context.close()
        browser.close()
    return written


def _shoot(tab, path: str, target: Path) -> Path:  # type: ignore[no-untyped-def]
    tab.goto(path)
    tab.screenshot(path=str(target), full_page=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="appstore-screenshots-") as folder:
        app = demo_registry(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            for path in take(f"http://127.0.0.1:{server.server_port}", args.out, args.chromium):
                print(path)
        finally:
            server.shutdown()
            database(app).dispose()


if __name__ == "__main__":
    main()
