"""A person in a real browser: search, filter, open an app, switch language,
sign in, create a token, publish a package and read its findings, plan an
install in a municipality's environment and record it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.factories import manifest, package
from tests.web.conftest import CIVIL_SERVANT, MUNICIPALITY, ORGANISATION, PERSON_NAME, PHONE, sign_in

pytestmark = pytest.mark.e2e


def test_search_from_the_home_page(page: Any) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apps voor gemeenten")
    page.get_by_label("Apps zoeken").fill("zaak")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"/apps\?q=zaak"))
    expect(page.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()
    expect(page.get_by_role("link", name="Mijn Loket")).to_be_visible()  # "hun zaken": the same stem
    expect(page.get_by_role("link", name="Objectenregistratie")).to_have_count(0)


def test_search_understands_municipal_words_in_dutch(page: Any) -> None:
    page.goto("/apps?q=zaakgericht+werken")
    # Both case-management apps, though neither says "zaakgericht werken" itself.
    expect(page.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()
    expect(page.get_by_role("link", name="Vergunningen Pro")).to_be_visible()
    categories = page.get_by_role("list", name="Categorie")
    expect(categories.get_by_role("link", name="Zaakgericht werken")).to_be_visible()
    sorts = page.get_by_role("navigation", name="Sorteren op")
    sorts.get_by_role("link", name="Naam").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.get_by_role("navigation", name="Sorteren op").get_by_text("Naam")).to_have_attribute(
        "aria-current", "true")
    titles = page.locator(".appstore-card h2").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)


def test_a_typo_gets_a_suggestion(page: Any) -> None:
    page.goto("/apps?q=zaakafhandelcomponnt")
    expect(page.locator("#result-count")).to_have_text("0 apps gevonden")
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_have_text("Bedoelde u zaakafhandelcomponent?")
    suggestion.get_by_role("link", name="zaakafhandelcomponent").click()
    expect(page.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()


def test_filter_by_facets_narrows_the_results(page: Any) -> None:
    page.goto("/apps")
    count = page.locator("#result-count")
    expect(count).to_have_text("7 apps gevonden")
    filters = page.get_by_role("navigation", name="Filters")
    filters.get_by_role("link", name="Proces").click()
    expect(count).to_have_text("2 apps gevonden")
    expect(page.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()
    page.get_by_role("link", name=re.compile("Filter weghalen: Proces")).click()
    expect(count).to_have_text("7 apps gevonden")
    filters.get_by_role("link", name="Gesloten (commercieel)").click()
    expect(count).to_have_text("1 app gevonden")
    expect(page.get_by_role("link", name="Vergunningen Pro")).to_be_visible()


def test_filter_on_a_platform_profile(page: Any) -> None:
    page.goto("/apps")
    facet = page.get_by_role("list", name="Draait op platform")
    expect(facet.get_by_role("link").first).to_be_visible()
    facet.get_by_role("link").first.click()
    expect(page.get_by_role("link", name=re.compile("Filter weghalen"))).to_be_visible()


def test_app_page_shows_what_a_municipality_needs(page: Any) -> None:
    page.goto("/apps")
    page.get_by_role("link", name="Zaakafhandelcomponent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zaakafhandelcomponent")
    expect(page.get_by_text("Besluiten vastleggen")).to_be_visible()  # a feature from publiccode.yml
    expect(page.get_by_role("heading", name="Draait op deze platforms")).to_be_visible()
    versions = page.get_by_role("table", name="Alle versies, nieuwste eerst")
    expect(versions.get_by_role("link", name="1.3.0")).to_be_visible()
    expect(page.get_by_role("heading", name="Installeren").first).to_be_visible()


def test_withdrawn_release_shows_its_reason(page: Any) -> None:
    page.goto("/apps/notificatiecomponent")
    expect(page.get_by_text("Notificaties konden verloren gaan bij een herstart")).to_be_visible()
    page.get_by_role("link", name="1.6.1").click()
    expect(page.get_by_text("Deze versie is ingetrokken door de uitgever.")).to_be_visible()
    expect(page.get_by_role("heading", name="Bevindingen van de verificatie")).to_be_visible()


def test_switch_language_to_english_and_back(page: Any) -> None:
    page.goto("/apps/zaakafhandelcomponent")
    expect(page.get_by_text("van intake tot besluit").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile("/apps/zaakafhandelcomponent$"))
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    expect(page.get_by_text("from intake to decision").first).to_be_visible()
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", name="Versies")).to_be_visible()


def test_sign_in_with_a_wrong_password_says_so(page: Any) -> None:
    sign_in(page, password="helemaal verkeerd")
    expect(page.get_by_role("alert")).to_have_text("Het e-mailadres of wachtwoord klopt niet.")


def test_sign_in_create_and_revoke_a_token(page: Any, store: Any) -> None:
    sign_in(page)
    expect(page.get_by_text(f"U bent ingelogd als {PERSON_NAME}.")).to_be_visible()
    page.get_by_role("link", name="Coöperatie Samen Digitaal").click()
    page.get_by_label("Waarvoor is het token?").fill("CI van de browsertest")
    page.get_by_role("button", name="Token maken").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("gas_")
    headers = {"Authorization": f"Bearer {secret}"}
    assert requests.post(f"{store.api}/releases", headers=headers, timeout=30).status_code == 400  # known token
    page.get_by_role("link", name="Terug naar Coöperatie Samen Digitaal").click()
    row = page.get_by_role("row").filter(has_text="CI van de browsertest")
    row.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_role("status").filter(has_text="is ingetrokken")).to_be_visible()
    assert requests.post(f"{store.api}/releases", headers=headers, timeout=30).status_code == 401


def test_publish_a_package_and_read_its_findings(page: Any) -> None:
    sign_in(page)
    page.get_by_role("link", name="Publiceren").click()
    broken = manifest(id="stadspas", name="Stadspas", publisher=ORGANISATION, license=None)
    page.get_by_label("Pakket").set_input_files(_file(package(broken)))
    page.get_by_role("button", name="Verifiëren en publiceren").click()
    expect(page.get_by_role("alert")).to_contain_text("Het pakket is niet gepubliceerd.")
    findings = page.get_by_role("table", name="Het manifest (appstore.yaml)")
    expect(findings.get_by_role("cell", name="license").first).to_be_visible()

    good = manifest(id="stadspas", name="Stadspas", publisher=ORGANISATION)
    page.get_by_label("Pakket").set_input_files(_file(package(good)))
    page.get_by_role("button", name="Verifiëren en publiceren").click()
    expect(page.get_by_text("Stadspas 1.4.0 is gepubliceerd.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stadspas versie 1.4.0")
    expect(page.get_by_role("heading", name="Bevindingen van de verificatie")).to_be_visible()


def test_upload_page_in_dutch_leads_with_the_verdict_and_shows_every_finding(page: Any) -> None:
    sign_in(page)
    page.goto("/publish")
    five_mistakes = manifest(id="Stads Pas", version="1.4", summary="x" * 151, layer="presentation",
                             license="Not-A-Licence-1.0", publisher=ORGANISATION)
    page.get_by_label("Pakket").set_input_files(_file(package(five_mistakes)))
    page.get_by_role("button", name="Verifiëren en publiceren").click()
    expect(page.get_by_role("alert")).to_contain_text("De verificatie vond fouten (5)")
    verdicts = page.get_by_role("list", name="Waar het zou draaien")
    expect(verdicts.get_by_role("listitem").first).to_be_visible()
    findings = page.get_by_role("table", name="Het manifest (appstore.yaml)")
    for key in ("id", "version", "summary", "layer", "license"):
        expect(findings.get_by_role("cell", name=key, exact=True)).to_be_visible()
    assert "`" not in page.locator("main").inner_text()


def test_usable_on_a_phone(browser: Any, store: Any) -> None:
    context = browser.new_context(base_url=store.url, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        for path in ("/", "/apps", "/apps/zaakafhandelcomponent", "/apps/notificatiecomponent/releases/1.6.1",
                     "/organisations/samen-digitaal", "/sign-in"):
            phone.goto(path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        phone.goto("/apps")
        expect(phone.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()
    finally:
        context.close()


def _file(data: bytes) -> dict[str, Any]:
    return {"name": "stadspas-1.4.0.tar.gz", "mimeType": "application/gzip", "buffer": data}


def test_plan_an_install_and_record_it(page: Any) -> None:
    sign_in(page, CIVIL_SERVANT)
    page.goto(f"/organisations/{MUNICIPALITY}")
    environments = page.get_by_role("table", name="Omgevingen van Gemeente Voorbeeldstad")
    environments.get_by_role("link", name="test", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omgeving test")
    expect(page.get_by_text("Hier is nog geen app als geïnstalleerd geregistreerd.")).to_be_visible()
    page.get_by_label("App", exact=True).select_option("notificatiecomponent")
    page.get_by_role("button", name="Plan maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan om notificatiecomponent te installeren in test")
    expect(page.locator("#plan-status")).to_contain_text("Klaar om te installeren")
    steps = page.get_by_role("table", name="Wat te installeren, afhankelijkheden eerst")
    expect(steps.get_by_role("link", name="notificatiecomponent 1.6.2")).to_be_visible()
    page.get_by_role("button", name="Registreren als geïnstalleerd").click()
    expect(page.get_by_text("1 wijziging is geregistreerd.")).to_be_visible()
    installed = page.get_by_role("table", name="Apps die draaien in test")
    expect(installed.get_by_role("link", name="Notificatiecomponent")).to_be_visible()
    expect(installed.get_by_role("cell", name="Sam Jansen")).to_be_visible()


def test_a_blocked_plan_says_what_is_missing(page: Any) -> None:
    sign_in(page, CIVIL_SERVANT)
    page.goto(f"/organisations/{MUNICIPALITY}/environments/test")
    page.get_by_label("App", exact=True).select_option("zaakafhandelcomponent")
    page.get_by_role("button", name="Plan maken").click()
    expect(page.locator("#plan-status")).to_contain_text("Geblokkeerd")
    missing = page.get_by_role("table", name="Stel deze in de omgeving in voordat u installeert")
    expect(missing.get_by_role("cell", name="hostname")).to_be_visible()
    expect(page.get_by_role("button", name="Registreren als geïnstalleerd")).to_have_count(0)
