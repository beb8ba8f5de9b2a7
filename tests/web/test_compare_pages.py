"""The comparison page through Flask's test client, in Dutch and in English: what
it answers to a good and a bad choice of apps, and the links that build the choice."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_organisation
from tests.factories import manifest, package


@pytest.fixture
def catalogue(sqlite_app: Flask) -> FlaskClient:
    """Two open-source apps of dimpact; the second provides an API the first needs."""
    client = sqlite_app.test_client()
    token = add_organisation(sqlite_app, "dimpact")
    for data in (manifest(requires={"apis": [{"api": "zgw-zaken", "version": "^1.5"}]}),
                 manifest(id="open-zaak", name="Open Zaak", layer="service",
                          provides=[{"api": "zgw-zaken", "version": "1.5.0"}])):
        response = client.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                               data={"package": (io.BytesIO(package(data)), "app.tar.gz")})
        assert response.status_code == 201, response.get_json()
    return client


class Table(HTMLParser):
    """The comparison table as text: row headers and their cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows[self._row[0]] = self._row[1:]
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(client: FlaskClient, path: str) -> dict[str, list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    parser = Table()
    parser.feed(response.get_data(as_text=True))
    return parser.rows


def english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"


def test_compares_two_apps_in_dutch(catalogue: FlaskClient) -> None:
    rows = table(catalogue, "/compare?apps=zaakafhandelcomponent&apps=open-zaak")
    assert rows["Common Ground-laag Verschilt"] == ["Proces", "Diensten"]
    assert rows["Licentie"] == ["Open source (EUPL-1.2)"] * 2
    assert rows["API's die het biedt Verschilt"] == ["Geen", "zgw-zaken 1.5.0"]
    assert rows["API's die het nodig heeft Verschilt"] == ["zgw-zaken ^1.5", "Geen"]
    assert rows["Onderhoud"] == ["Onderhouden door een gemeenschap Stabiel"] * 2
    assert rows["Gebruik"] == ["0 gemeenten gebruiken het in productie"] * 2
    assert rows["Prijs"] == ["Geen licentiekosten (open source)"] * 2


def test_compares_two_apps_in_english(catalogue: FlaskClient) -> None:
    english(catalogue)
    rows = table(catalogue, "/compare?apps=zaakafhandelcomponent&apps=open-zaak")
    assert rows["Common Ground layer Differs"] == ["Process", "Services"]
    assert rows["Maintenance"] == ["Maintained by a community Stable"] * 2
    assert rows["Price"] == ["No licence costs (open source)"] * 2


def test_only_the_differences(catalogue: FlaskClient) -> None:
    rows = table(catalogue, "/compare?apps=zaakafhandelcomponent&apps=open-zaak&only=differences")
    assert "Licentie" not in rows and "Common Ground-laag Verschilt" in rows


def test_apps_that_do_not_differ_say_so(sqlite_app: Flask, catalogue: FlaskClient) -> None:
    token = add_organisation(sqlite_app, "dimpact")
    twin = manifest(id="zaken-tweeling", name="Zaken Tweeling",
                    requires={"apis": [{"api": "zgw-zaken", "version": "^1.5"}]})
    response = catalogue.post("/api/v1/releases", headers={"Authorization": f"Bearer {token}"},
                              data={"package": (io.BytesIO(package(twin)), "app.tar.gz")})
    assert response.status_code == 201, response.get_json()
    page = catalogue.get("/compare?apps=zaakafhandelcomponent&apps=zaken-tweeling&only=differences")
    assert "Deze apps verschillen in geen van de getoonde eigenschappen." in page.get_data(as_text=True)


@pytest.mark.parametrize(("query", "status", "words"), [
    ("apps=open-zaak", 400, "Kies 2 tot 4 apps"),
    ("apps=a-one&apps=a-two&apps=a-three&apps=a-four&apps=a-five", 400, "hoogstens 4 apps"),
    ("apps=open-zaak&apps=geen-app", 404, "Deze app bestaat niet in de catalogus: geen-app."),
])
def test_a_wrong_choice_says_what_to_do(catalogue: FlaskClient, query: str, status: int, words: str) -> None:
    response = catalogue.get("/compare?" + query)
    assert response.status_code == status and response.mimetype == "text/html"
    assert words in response.get_data(as_text=True)


def test_a_wrong_choice_in_english(catalogue: FlaskClient) -> None:
    english(catalogue)
    page = catalogue.get("/compare?apps=open-zaak").get_data(as_text=True)
    assert "Choose 2 to 4 apps to compare" in page


def test_links_that_build_the_choice(catalogue: FlaskClient) -> None:
    app_page = catalogue.get("/apps/open-zaak?apps=zaakafhandelcomponent").get_data(as_text=True)
    assert 'href="/compare?apps=zaakafhandelcomponent&amp;apps=open-zaak"' in app_page  # add to comparison
    results = catalogue.get("/apps?apps=open-zaak").get_data(as_text=True)
    assert 'action="/compare"' in results
    box = re.search(r'<input [^>]*id="compare-open-zaak"[^>]*>', results)
    assert box and " checked" in box.group(0)  # still ticked
    assert 'href="/apps/zaakafhandelcomponent?apps=open-zaak"' in results  # the choice goes along to the app
    compared = catalogue.get("/compare?apps=zaakafhandelcomponent&apps=open-zaak").get_data(as_text=True)
    assert 'href="/apps?apps=open-zaak"' in compared  # removing one of two: pick another on the results
