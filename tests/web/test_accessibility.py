"""WCAG 2.1 AA: axe-core finds no violation on the main pages, at desktop and phone width.

axe-core comes from npm (web/package.json) and is injected by Playwright; the
context bypasses the page's CSP for that, because axe is an inline script.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
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

# Under xdist the browser's tests share one worker, which alone starts Chromium and the store.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

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
    "comparison": "/compare?apps=zaakafhandelcomponent&apps=vergunningen-pro&apps=notificatiecomponent",
    "comparison refused": "/compare?apps=zaakafhandelcomponent",
    "advisories": "/advisories",
    "advisory": f"/advisories/GAS-{datetime.now(UTC).year}-0001",  # the demo's, published at load
    "app with an advisory": "/apps/notificatiecomponent",
    "initiatives": "/initiatives?phase=in-development",
    "initiative that became an app": "/initiatives/3",
    "initiative like another": "/initiatives/1",
    "stopped initiative": "/initiatives/5",
    "app built together": "/apps/mijn-loket",
}
SIGNED_IN_PAGES = {"publisher with tokens": "/organisations/samen-digitaal", "publish": "/publish",
                   "account": "/account", "advisory form": "/apps/notificatiecomponent/advisories/new",
                   "initiative with its join form": "/initiatives/1"}


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
    for path in ("/", "/apps/zaakafhandelcomponent", PAGES["comparison"]):
        scanner.goto(path)
        found = violations(scanner)
        assert not found, f"{path} in English: " + json.dumps(found, indent=2)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_have_no_accessibility_violations(scanner: Any, name: str) -> None:
    sign_in(scanner)
    scanner.goto(SIGNED_IN_PAGES[name])
    found = violations(scanner)
    assert not found, f"{name}: " + json.dumps(found, indent=2)


def test_a_refused_advisory_form_has_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner)
    scanner.goto(SIGNED_IN_PAGES["advisory form"])
    scanner.get_by_label("Opgelost in versie (optioneel)").fill("een")
    scanner.get_by_role("button", name="Advies publiceren").click()  # no summary, a fixed version that is none
    expect(scanner.get_by_role("alert")).to_contain_text("2 velden vragen aandacht")
    assert not (found := violations(scanner)), "advisory form with errors: " + json.dumps(found, indent=2)


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


def test_vendor_forms_and_the_package_page_have_no_accessibility_violations(scanner: Any) -> None:
    refused = "/apps/vergunningen-pro/releases/3.2.0/package"
    scanner.goto(refused)  # anonymous: asked to sign in
    assert not (found := violations(scanner)), "package page, anonymous: " + json.dumps(found, indent=2)
    sign_in(scanner)  # a cooperation without an entitlement
    scanner.goto(refused)
    assert not (found := violations(scanner)), "package page, not entitled: " + json.dumps(found, indent=2)
    sign_in(scanner, VENDOR_PERSON)
    module = f"/organisations/{VENDOR}/modules/vergunningen-pro"
    for path in (f"{module}/listing", f"{module}/entitlements?name=voorbeeld",
                 f"{module}/entitlements/{MUNICIPALITY}/revoke"):
        scanner.goto(path)
        assert not (found := violations(scanner)), f"{path}: " + json.dumps(found, indent=2)
    scanner.goto(f"{module}/listing")
    scanner.get_by_label("E-mailadres").fill("geen adres")
    scanner.get_by_role("button", name="Aanbod opslaan").click()
    expect(scanner.get_by_role("alert")).to_be_visible()
    assert not (found := violations(scanner)), "listing form with an error: " + json.dumps(found, indent=2)


def test_environment_and_plan_pages_have_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner, CIVIL_SERVANT)
    environment = f"/organisations/{MUNICIPALITY}/environments/test"
    affected = f"/organisations/{MUNICIPALITY}/environments/ontwikkeling"  # an advisory affects an install
    for path in (f"/organisations/{MUNICIPALITY}", environment, affected):
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


def test_adviser_pages_have_no_accessibility_violations(scanner: Any) -> None:
    """Plan in my environment, a plan with its values form (and its errors), and the environment forms."""
    sign_in(scanner, CIVIL_SERVANT)
    scanner.goto("/apps/mijn-loket")
    assert not (found := violations(scanner)), "app page with the plan action: " + json.dumps(found, indent=2)
    scanner.goto("/apps/mijn-loket/plan")
    assert not (found := violations(scanner)), "plan in my environment: " + json.dumps(found, indent=2)
    scanner.get_by_role("button", name="Plan maken voor test").click()
    scanner.wait_for_url("**/plans/*")
    assert not (found := violations(scanner)), "plan with its values form: " + json.dumps(found, indent=2)
    scanner.get_by_role("button", name="Waarden opslaan en opnieuw plannen").click()  # nothing filled in
    assert not (found := violations(scanner)), "values form with an error: " + json.dumps(found, indent=2)
    for path in (f"/organisations/{MUNICIPALITY}/environments/new",
                 f"/organisations/{MUNICIPALITY}/environments/test/settings"):
        scanner.goto(path)
        assert not (found := violations(scanner)), f"{path}: " + json.dumps(found, indent=2)
    scanner.goto(f"/organisations/{MUNICIPALITY}/environments/new")
    scanner.get_by_role("button", name="Omgeving aanmaken").click()  # no name: the form shows its error
    assert not (found := violations(scanner)), "environment form with an error: " + json.dumps(found, indent=2)



def test_the_webhooks_page_has_no_accessibility_violations(scanner: Any, store: Any) -> None:
    """With a webhook and a failed delivery in its log, and the form showing its errors."""
    from registry.db import database
    from registry.models import Organisation, WebhookSubscription
    from registry.services.webhooks import events
    from registry.services.webhooks.secrets import seal
    from tests.conftest import make_app

    data = make_app(store.data_dir, f"sqlite:///{store.data_dir / 'registry.db'}", with_schema=True)
    with database(data).session() as session:
        organisation = session.query(Organisation).filter_by(slug=ORGANISATION).one()
        if not session.query(WebhookSubscription).filter_by(organisation_id=organisation.id).count():
            session.add(WebhookSubscription(organisation_id=organisation.id, url="https://hooks.example.org/a",
                                            events=["release.published"], secret_encrypted=seal("whsec_x", "k" * 32),
                                            created_by="test"))
            session.flush()
            events.emit(session, events.WebhookEvent("release.published", "zaakafhandelcomponent", "9.9.9",
                                                     {"app": "zaakafhandelcomponent"}))
    database(data).dispose()
    sign_in(scanner)
    scanner.goto(f"/organisations/{ORGANISATION}/webhooks")
    expect(scanner.get_by_role("table")).to_be_visible()
    assert not (found := violations(scanner)), "webhooks page: " + json.dumps(found, indent=2)
    scanner.get_by_role("button", name="Webhook aanmaken").click()
    expect(scanner.get_by_text("Kies ten minste één gebeurtenis.")).to_be_visible()
    assert not (found := violations(scanner)), "webhook form with errors: " + json.dumps(found, indent=2)


def test_a_new_initiative_and_its_look_alikes_have_no_accessibility_violations(scanner: Any) -> None:
    sign_in(scanner)  # owner of a cooperation, which may start initiatives
    scanner.goto("/initiatives/new")
    assert not (found := violations(scanner)), "initiative form: " + json.dumps(found, indent=2)
    scanner.get_by_label("Titel").fill("Afvalkalender met herinnering")
    scanner.get_by_label("Het probleem dat het oplost").fill("Inwoners vergeten wanneer de afvalcontainer aan de "
                                                             "straat moet.")
    scanner.get_by_role("button", name="Controleren en opslaan").click()
    expect(scanner.get_by_role("heading", name="Sluit u liever aan bij een van deze?")).to_be_visible()
    assert not (found := violations(scanner)), "initiative look-alikes: " + json.dumps(found, indent=2)


def test_the_signing_keys_page_has_no_accessibility_violations(scanner: Any, store: Any) -> None:
    """With a key in the table, and the form showing its error."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from registry.db import database
    from registry.models import Organisation, PublisherKey
    from registry.services.publisher_keys import PublisherKeyService
    from sdk.signatures import prove_possession, public_pem
    from tests.conftest import make_app

    data = make_app(store.data_dir, f"sqlite:///{store.data_dir / 'registry.db'}", with_schema=True)
    with database(data).session() as session:
        organisation = session.query(Organisation).filter_by(slug=ORGANISATION).one()
        if not session.query(PublisherKey).filter_by(organisation_id=organisation.id).count():
            key = Ed25519PrivateKey.generate()
            PublisherKeyService(session).add(organisation, public_pem(key), prove_possession(key, ORGANISATION),
                                             "CI", "test")
            session.commit()
    database(data).dispose()
    sign_in(scanner)
    scanner.goto(f"/organisations/{ORGANISATION}/keys")
    expect(scanner.get_by_role("table")).to_be_visible()
    assert not (found := violations(scanner)), "signing keys page: " + json.dumps(found, indent=2)
    scanner.get_by_role("button", name="Sleutel registreren").click()
    expect(scanner.get_by_text("Vul dit in.")).to_have_count(2)  # the public key and its proof
    assert not (found := violations(scanner)), "key form with errors: " + json.dumps(found, indent=2)


def test_the_ballot_solution_and_merge_forms_have_no_accessibility_violations(scanner: Any, store: Any) -> None:
    """An initiator's ballot form, a vendor's existing-solution form, a curator's merge and its confirmation."""
    from registry.db import database
    from registry.service_factories import account_service
    from registry.services.organisations import OrganisationService
    from tests.conftest import make_app
    from tests.web.conftest import PASSWORD

    sign_in(scanner)  # co-developer of the demo's third initiative: it steers, so it opens ballots
    scanner.goto("/initiatives/3")
    expect(scanner.get_by_role("heading", name="Stemming openen")).to_be_visible()
    assert not (found := violations(scanner)), "ballot form: " + json.dumps(found, indent=2)
    scanner.context.clear_cookies()
    sign_in(scanner, VENDOR_PERSON)
    scanner.goto("/initiatives/1")
    expect(scanner.get_by_role("button", name="Aanbieden als bestaande oplossing")).to_be_visible()
    assert not (found := violations(scanner)), "existing-solution form: " + json.dumps(found, indent=2)
    data = make_app(store.data_dir, f"sqlite:///{store.data_dir / 'registry.db'}", with_schema=True)
    with database(data).session() as session:
        organisations, accounts = OrganisationService(session), account_service(data, session)
        if organisations.find("curatoren") is None:  # a curator, once for both viewports
            accounts.create_user("cora@curatoren.example", "Cora Curator", PASSWORD)
            accounts.add_member("cora@curatoren.example", organisations.create("curatoren", "Curatoren", "registry"),
                                "owner")
            session.commit()
    database(data).dispose()
    scanner.context.clear_cookies()
    sign_in(scanner, "cora@curatoren.example")
    scanner.goto("/initiatives/2")
    assert not (found := violations(scanner)), "merge form: " + json.dumps(found, indent=2)
    scanner.get_by_label("Nummer van het initiatief dat blijft").fill("1")
    scanner.get_by_role("button", name="Samenvoegen…").click()
    expect(scanner.get_by_role("heading", name="Weet u het zeker?")).to_be_visible()
    assert not (found := violations(scanner)), "merge confirmation: " + json.dumps(found, indent=2)
