"""WCAG 2.1 AA: axe-core finds no violation on the main pages, at desktop and phone width.

axe-core comes from npm (web/package.json) and is injected by Playwright; the
context bypasses the page's CSP for that, because axe is an inline script.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import manifest, package
from tests.web.conftest import (
    AXE,
    CIVIL_SERVANT,
    DESKTOP,
    MUNICIPALITY,
    ORGANISATION,
    PHONE,
    VENDOR,
    VENDOR_PERSON,
    missing,
    sign_in,
)

pytestmark = pytest.mark.e2e

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "home": "/",
    "results": "/apps?q=zaak",
    "filtered results": "/apps?layer=process&license=open",
    "app": "/apps/zaakafhandelcomponent",
    "commercial app": "/apps/vergunningen-pro",
    "release": "/apps/notificatiecomponent/releases/1.6.1",
    "publisher": "/organisations/samen-digitaal",
    "sign-in": "/sign-in",
}
SIGNED_IN_PAGES = {"publisher with tokens": "/organisations/samen-digitaal", "publish": "/publish",
                   "account": "/account"}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def scanner(request: pytest.FixtureRequest, browser: Any, store: Any) -> Iterator[Any]:
    if not AXE.exists():
        missing(f"axe-core is missing ({AXE}); run `make install` (npm ci in web/)")
    context = browser.new_context(base_url=store.url, viewport=request.param, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def violations(tab: Any) -> list[dict[str, Any]]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    assert result["passes"], "axe checked nothing: is the page empty?"
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(scanner: Any, name: str) -> None:
    scanner.goto(PAGES[name])
    found = violations(scanner)
    assert not found, f"{name}: " + json.dumps(found, indent=2)


def test_english_pages_have_no_accessibility_violations(scanner: Any) -> None:
    scanner.goto("/")
    scanner.get_by_role("button", name="English").click()
    for path in ("/", "/apps/zaakafhandelcomponent"):
        scanner.goto(path)
        found = violations(scanner)
        assert not found, f"{path} in English: " + json.dumps(found, indent=2)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_have_no_accessibility_violations(scanner: Any, name: str) -> None:
    sign_in(scanner)
    scanner.goto(SIGNED_IN_PAGES[name])
    found = violations(scanner)
    assert not found, f"{name}: " + json.dumps(found, indent=2)


def test_a_refused_upload_has_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner)
    scanner.goto("/publish")
    refused = manifest(id="Stads Pas", version="1.4", publisher=ORGANISATION, license=None)
    scanner.get_by_label("Pakket").set_input_files(
        {"name": "stadspas-1.4.tar.gz", "mimeType": "application/gzip", "buffer": package(refused)})
    scanner.get_by_role("button", name="Verifiëren en publiceren").click()
    expect(scanner.get_by_role("alert")).to_be_visible()
    assert not (found := violations(scanner)), "refused upload: " + json.dumps(found, indent=2)


def test_vendor_desk_and_buying_section_have_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner, VENDOR_PERSON)
    scanner.goto(f"/organisations/{VENDOR}")
    expect(scanner.get_by_role("heading", name="Vergunningen Pro").first).to_be_visible()
    assert not (found := violations(scanner)), "vendor desk: " + json.dumps(found, indent=2)
    sign_in(scanner, CIVIL_SERVANT)  # an entitled municipality sees its entitlement and the interest button
    scanner.goto("/apps/vergunningen-pro")
    assert not (found := violations(scanner)), "buying section: " + json.dumps(found, indent=2)


def test_environment_and_plan_pages_have_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner, CIVIL_SERVANT)
    environment = f"/organisations/{MUNICIPALITY}/environments/test"
    for path in (f"/organisations/{MUNICIPALITY}", environment):
        scanner.goto(path)
        found = violations(scanner)
        assert not found, f"{path}: " + json.dumps(found, indent=2)
    for app_id in ("zaakafhandelcomponent", "notificatiecomponent"):  # a blocked plan and a ready one
        scanner.goto(environment)
        scanner.get_by_label("App", exact=True).select_option(app_id)
        scanner.get_by_role("button", name="Plan maken").click()
        scanner.wait_for_url("**/plans/*")
        found = violations(scanner)
        assert not found, f"plan of {app_id}: " + json.dumps(found, indent=2)
    scanner.goto(environment)
    scanner.get_by_role("button", name="Plan maken").click()  # no app chosen: the form shows its error
    found = violations(scanner)
    assert not found, "plan form with an error: " + json.dumps(found, indent=2)
