"""A person in a real browser: search, filter, open an app, switch language,
sign in, create a token, publish a package and read its findings, plan an
install in a municipality's environment and record it; a vendor edits its
listing and entitles a buyer, who downloads the commercial package.
"""

from __future__ import annotations

import re
import tarfile
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.factories import manifest, package
from tests.web.conftest import (
    CIVIL_SERVANT,
    MUNICIPALITY,
    ORGANISATION,
    PASSWORD,
    PERSON_NAME,
    PHONE,
    VENDOR,
    VENDOR_PERSON,
    sign_in,
)

# Under xdist the browser's tests share one worker, which alone starts Chromium and the store.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


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
                     "/organisations/samen-digitaal", "/sign-in",
                     "/compare?apps=zaakafhandelcomponent&apps=vergunningen-pro&apps=notificatiecomponent"):
            phone.goto(path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        phone.goto("/apps")
        expect(phone.get_by_role("link", name="Zaakafhandelcomponent")).to_be_visible()
    finally:
        context.close()


def test_tick_two_apps_and_compare_them(page: Any) -> None:
    page.goto("/apps")
    page.get_by_role("checkbox", name="Vergelijk Zaakafhandelcomponent").check()
    page.get_by_role("checkbox", name="Vergelijk Vergunningen Pro").check()
    page.get_by_role("button", name="Vergelijk de aangevinkte apps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apps vergelijken")
    table = page.get_by_role("table", name="Vergelijking van 2 apps")
    expect(table.get_by_role("columnheader", name=re.compile("^Vergunningen Pro"))).to_be_visible()
    price = table.get_by_role("row", name=re.compile("^Prijs"))
    expect(price).to_contain_text("EUR 0,15 per inwoner per jaar")
    expect(price).to_contain_text("Geen licentiekosten (open source)")
    expect(price.get_by_role("rowheader")).to_have_text(re.compile("Verschilt"))  # marked in words
    expect(page.get_by_role("region", name=re.compile("^Vergelijking van"))).to_have_attribute("tabindex", "0")
    page.get_by_role("link", name="Vergunningen Pro uit de vergelijking halen").click()
    expect(page).to_have_url(re.compile(r"/apps\?apps=zaakafhandelcomponent$"))
    expect(page.get_by_role("checkbox", name="Vergelijk Zaakafhandelcomponent")).to_be_checked()


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


def test_an_advisory_comes_first_on_the_environment_with_a_plan_to_upgrade(page: Any) -> None:
    """The demo municipality runs notificatiecomponent 1.5.0 in `ontwikkeling`, which the demo advisory affects."""
    sign_in(page, CIVIL_SERVANT)
    page.goto(f"/organisations/{MUNICIPALITY}/environments/ontwikkeling")
    advisories = page.get_by_role("region", name="Beveiligingsadviezen voor geïnstalleerde apps")
    expect(advisories).to_contain_text("Opgelost in versie 1.6.2.")
    installed = page.get_by_role("heading", name="Geïnstalleerde apps", exact=True)
    assert advisories.bounding_box()["y"] < installed.bounding_box()["y"]
    advisories.get_by_role("button", name="Upgrade van Notificatiecomponent naar 1.6.2 plannen").click()
    expect(page.locator("#plan-status")).to_contain_text("Klaar om te installeren")
    steps = page.get_by_role("table", name="Wat te installeren, afhankelijkheden eerst")
    expect(steps.get_by_role("link", name="notificatiecomponent 1.6.2")).to_be_visible()


def test_a_blocked_plan_says_what_is_missing(page: Any) -> None:
    sign_in(page, CIVIL_SERVANT)
    page.goto(f"/organisations/{MUNICIPALITY}/environments/test")
    page.get_by_label("App", exact=True).select_option("zaakafhandelcomponent")
    page.get_by_role("button", name="Plan maken").click()
    expect(page.locator("#plan-status")).to_contain_text("Geblokkeerd")
    expect(page.get_by_role("group", name="hostname van zaakafhandelcomponent")).to_be_visible()
    expect(page.get_by_role("button", name="Registreren als geïnstalleerd")).to_have_count(0)


def test_vendor_lists_and_entitles_a_buyer_who_downloads_until_revoked(browser: Any, store: Any, page: Any) -> None:
    sign_in(page, VENDOR_PERSON)
    page.goto(f"/organisations/{VENDOR}")
    page.get_by_role("link", name="Aanbod van Vergunningen Pro bewerken").click()
    email, name = page.get_by_label("E-mailadres"), page.get_by_label("Naam van de contactpersoon")
    expect(email).to_have_value("verkoop@vergunningwerk.example")  # prefilled
    email.fill("geen adres")
    name.fill("")
    page.get_by_role("button", name="Aanbod opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("2 velden vragen aandacht")  # every problem at once
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#contact_email-error")).to_have_text("Geef een e-mailadres zoals verkoop@leverancier.example.")
    email.fill("verkoop@vergunningwerk.example")
    name.fill("Team Verkoop")
    page.get_by_label("Over de ondersteuning").fill("Helpdesk op werkdagen van 8 tot 18 uur")
    page.get_by_role("button", name="Aanbod opslaan").click()
    expect(page.get_by_role("status").filter(has_text="is opgeslagen")).to_be_visible()
    expect(page.get_by_text("Helpdesk op werkdagen van 8 tot 18 uur")).to_be_visible()

    page.goto(f"/organisations/{VENDOR}")
    page.get_by_label("Een organisatie recht geven: zoek op naam").fill("samen digitaal")
    page.get_by_role("button", name="Zoeken naar een organisatie om recht te geven op Vergunningen Pro").click()
    match = page.get_by_role("listitem").filter(has_text="Coöperatie Samen Digitaal")
    expect(match).to_contain_text("(Samenwerkingsverband, samen-digitaal)")  # its kind and id
    match.get_by_role("button", name="Coöperatie Samen Digitaal recht geven").click()
    expect(page.get_by_role("status")).to_have_text("Coöperatie Samen Digitaal mag Vergunningen Pro nu downloaden.")

    buyer = browser.new_context(base_url=store.url, accept_downloads=True)
    tab = buyer.new_page()
    sign_in(tab)  # an owner of Coöperatie Samen Digitaal
    release = "/apps/vergunningen-pro/releases/3.2.0"
    tab.goto(release)
    with tab.expect_download() as download:
        tab.get_by_role("link", name="vergunningen-pro-3.2.0.tar.gz").click()
    assert download.value.suggested_filename == "vergunningen-pro-3.2.0.tar.gz"
    page.reload()
    log = page.get_by_role("table", name=re.compile(r"De laatste van \d+ downloads? van Vergunningen Pro"))
    expect(log.get_by_role("row").filter(has_text="Coöperatie Samen Digitaal").first).to_be_visible()

    page.get_by_role("link", name="Recht van Coöperatie Samen Digitaal op Vergunningen Pro intrekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weet u het zeker?")
    expect(page.get_by_text("vanaf hun volgende download")).to_be_visible()
    page.get_by_role("button", name="Ja, recht intrekken").click()
    expect(page.get_by_role("status")).to_have_text("Het recht van Coöperatie Samen Digitaal op Vergunningen Pro "
                                                    "is ingetrokken.")
    tab.goto(release)
    tab.get_by_role("link", name="vergunningen-pro-3.2.0.tar.gz").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Uw organisatie heeft geen toegang tot dit pakket")
    expect(tab.get_by_role("link", name="verkoop@vergunningwerk.example")).to_be_visible()
    buyer.close()


class Clicks:
    """Counts what a person does to get somewhere: every click, and every address typed."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def type_address(self, path: str) -> None:
        self.count += 1
        self.page.goto(path)


def test_adviser_from_the_home_page_to_a_recorded_install(page: Any) -> None:
    """Mijn Loket needs the Notificatiecomponent (its one dependency) and a hostname:
    from the home page to both recorded as installed in `acceptatie`, in the browser only."""
    person = Clicks(page)
    page.goto("/")  # where the journey starts, not counted
    person.click(page.get_by_role("link", name="Mijn Loket").first)
    person.click(page.get_by_role("link", name="Inloggen om te plannen in mijn omgeving"))
    page.get_by_label("E-mailadres").fill(CIVIL_SERVANT)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    person.click(page.get_by_role("button", name="Inloggen"))

    expect(page).to_have_url(re.compile("/apps/mijn-loket/plan$"))  # back where the person came from
    environments = page.get_by_role("table", name="Omgevingen van Gemeente Voorbeeldstad")
    row = environments.get_by_role("row").filter(has_text="acceptatie")
    expect(row.get_by_text("Draait", exact=True)).to_be_visible()
    person.click(row.get_by_role("button", name="Plan maken voor acceptatie"))

    expect(page.locator("#plan-status")).to_contain_text("Geblokkeerd")
    expect(page.get_by_text("mijn-loket 0.9.0 heeft waarden nodig die deze omgeving niet instelt: hostname.")
           ).to_be_visible()
    values = page.get_by_role("group", name="hostname van mijn-loket")
    values.get_by_label("Waarde").fill("loket.voorbeeldstad.example")
    person.click(page.get_by_role("button", name="Waarden opslaan en opnieuw plannen"))

    expect(page.locator("#plan-status")).to_contain_text("Klaar om te installeren")
    steps = page.get_by_role("table", name="Wat te installeren, afhankelijkheden eerst")
    expect(steps.get_by_role("row").nth(1)).to_contain_text("notificatiecomponent 1.6.2")  # the dependency first
    expect(steps.get_by_role("row").nth(2)).to_contain_text("mijn-loket 0.9.0")
    with page.expect_download() as download:
        person.click(page.get_by_role("link", name="Bundel downloaden"))
    with tarfile.open(download.value.path()) as bundle:
        names = bundle.getnames()
    assert any("/01-notificatiecomponent/" in n for n in names) and any("/02-mijn-loket/" in n for n in names)
    person.click(page.get_by_role("button", name="Registreren als geïnstalleerd"))

    expect(page.get_by_text("2 wijzigingen zijn geregistreerd.")).to_be_visible()
    installed = page.get_by_role("table", name="Apps die draaien in acceptatie")
    expect(installed.get_by_role("link", name="Mijn Loket")).to_be_visible()
    expect(installed.get_by_role("link", name="Notificatiecomponent")).to_be_visible()
    print(f"\nadviser journey: {person.count} clicks from the home page to a recorded install (target 12)")
    assert person.count <= 12


def test_create_change_and_archive_an_environment(page: Any) -> None:
    sign_in(page, CIVIL_SERVANT)
    page.goto(f"/organisations/{MUNICIPALITY}")
    page.get_by_role("link", name="Omgeving aanmaken").click()
    page.get_by_label("Naam").fill("productie")
    page.get_by_label("Fase").select_option(label="Productie")
    page.get_by_label("Zet door vanuit").select_option("acceptatie")
    page.get_by_label("Eén namespace voor alle apps").check()
    page.get_by_role("button", name="Omgeving aanmaken").click()
    expect(page.get_by_text("Omgeving productie is aangemaakt.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omgeving productie")
    expect(page.get_by_text("Alle apps komen in één namespace.")).to_be_visible()

    page.get_by_role("link", name="Instellingen van productie wijzigen").click()
    page.get_by_label("Waarden voor elke app").fill("hostname=apps.voorbeeldstad.example\napiToken=geheim")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("apiToken is een geheim")).to_be_visible()  # never in clear
    page.get_by_label("Waarden voor elke app").fill("hostname=apps.voorbeeldstad.example")
    page.get_by_label("Externe API's waartoe deze omgeving toegang heeft").fill("brp, kvk")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De instellingen van productie zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("apps.voorbeeldstad.example")).to_be_visible()
    expect(page.get_by_text("Heeft toegang tot de externe API's brp, kvk.")).to_be_visible()

    page.get_by_role("link", name="Instellingen van productie wijzigen").click()
    page.get_by_role("button", name="Omgeving productie archiveren").click()
    expect(page.get_by_text("Omgeving productie is gearchiveerd; de geschiedenis blijft bewaard.")).to_be_visible()
    environments = page.get_by_role("table", name="Omgevingen van Gemeente Voorbeeldstad")
    expect(environments.get_by_role("link", name="productie", exact=True)).to_have_count(0)
