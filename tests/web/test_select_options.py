"""The options of select fields, radio buttons and checkbox groups: views and forms give them
as SelectChoice (WTForms deprecates ``(value, label)`` tuples in 3.3 and drops them in 3.4;
setup.cfg makes its warning an error), and the pages offer what they offered before:
each option's value, its label, and which one is chosen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from lxml import html
from wtforms.fields.choices import SelectChoice, SelectFieldBase

from registry.models import Organisation
from tests import factories
from tests.registry.initiative_support import BOARD, open_board
from tests.registry.installs_support import PROFILE, municipality
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, sign_in, vendor_market
from tests.web.test_vendor_forms import LISTING
from web.choices import options, organisation_options

Offer = tuple[str, str, bool]  # an option's value, its label, whether it is chosen


def offered(page: str, name: str, action: str = "") -> list[Offer]:
    """What the field ``name`` offers, in the form whose action ends with ``action``:
    the options of its select, or its radio buttons or checkboxes with their labels."""
    form = f'//form[substring(@action, string-length(@action) - {len(action) - 1})="{action}"]' if action else ""
    tree = html.fromstring(page)
    found = [(o.get("value"), o.text_content(), o.get("selected") is not None)
             for o in tree.xpath(f'{form}//select[@name="{name}"]/option')]
    for box in tree.xpath(f'{form}//input[@name="{name}"][@type="radio" or @type="checkbox"]'):
        label = tree.xpath(f'//label[@for="{box.get("id")}"]')[0].text_content()
        found.append((box.get("value"), label, box.get("checked") is not None))
    return found


@pytest.fixture
def forms(sqlite_app: Flask) -> Iterator[list[FlaskForm]]:
    """Every form a page renders during the test; afterwards none of them may hold a tuple
    (WTForms warns only for choices given to the field's constructor, not for those set later)."""
    rendered: list[FlaskForm] = []

    def record(_sender: Flask, template: object, context: dict[str, object], **_extra: object) -> None:
        rendered.extend(value for value in context.values() if isinstance(value, FlaskForm))

    template_rendered.connect(record, sqlite_app)
    yield rendered
    template_rendered.disconnect(record, sqlite_app)
    assert rendered, "no form was rendered"
    tuples = [f"{type(form).__name__}.{field.name}" for form in rendered for field in form
              if isinstance(field, SelectFieldBase) and any(isinstance(c, tuple) for c in field.choices or [])]
    assert tuples == []


def test_options_are_select_choices_with_an_empty_one_first_when_asked() -> None:
    made = options([("test", "Test"), ("production", "Productie")], empty="Geen")
    assert all(isinstance(option, SelectChoice) for option in made)
    assert [(o.value, o.label) for o in made] == [("", "Geen"), ("test", "Test"), ("production", "Productie")]
    assert [(o.value, o.label) for o in options({"a": "A"})] == [("a", "A")]
    assert options(iter([])) == []
    organisations = [Organisation(slug="utrecht", name="Gemeente Utrecht"), Organisation(slug="zeist", name="Zeist")]
    assert [(o.value, o.label) for o in organisation_options(organisations)] == [
        ("utrecht", "Gemeente Utrecht"), ("zeist", "Zeist")]


def test_environment_pages_offer_stages_profiles_and_environments(sqlite_app: Flask, forms: list[FlaskForm]) -> None:
    client = sqlite_app.test_client()
    put_profile(sqlite_app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    utrecht = municipality(sqlite_app, client, "utrecht")
    utrecht.environment("test")
    utrecht.environment("acceptatie", stage="acceptance", promoteFrom="test")
    add_person(sqlite_app, "eva@utrecht.example", "utrecht", "owner")
    assert sign_in(client, "eva@utrecht.example") == 302

    settings = _page(client, "/organisations/utrecht/environments/acceptatie/settings")
    assert offered(settings, "stage") == [("test", "Test", False), ("acceptance", "Acceptatie", True),
                                          ("production", "Productie", False)]
    assert offered(settings, "profile") == [(PROFILE, f"Platform {PROFILE}", True)]
    assert offered(settings, "promote_from") == [("", "Geen", False), ("test", "test", True)]
    assert offered(settings, "namespace_mode") == [
        ("per-app", "Elke app een eigen namespace", True), ("shared", "Eén namespace voor alle apps", False)]
    new = _page(client, "/organisations/utrecht/environments/new")
    assert offered(new, "promote_from") == [("", "Geen", False), ("test", "test", False),
                                            ("acceptatie", "acceptatie", False)]
    assert [chosen for _value, _label, chosen in offered(new, "stage")] == [False, False, False]
    assert offered(_page(client, "/organisations/utrecht/environments/test"), "app") == [("", "Kies een app", False)]


def test_initiative_page_offers_the_organisations_roles_and_apps(sqlite_app: Flask, forms: list[FlaskForm]) -> None:
    board = open_board(sqlite_app)
    number = board.start("utrecht")["id"]
    board.call("utrecht", "POST", f"{BOARD}/{number}/ballots", json={"question": "Welke?",
                                                                     "proposals": ["Eigen app", "Bestaande app"]})
    assert publish(board.client, board.tokens["dimpact"], factories.package()).status_code == 201
    add_person(sqlite_app, "eva@utrecht.example", "utrecht", "owner")
    add_person(sqlite_app, "eva@utrecht.example", "dimpact", "owner")
    client = sqlite_app.test_client()
    assert sign_in(client, "eva@utrecht.example") == 302

    page = _page(client, f"/initiatives/{number}")
    mine = [("utrecht", "Utrecht", False), ("dimpact", "Dimpact", False)]
    assert offered(page, "organisation", "/join") == offered(page, "organisation", "/vote") == mine
    assert offered(page, "role", "/join") == [("co-developer", "Mede-ontwikkelaar", False),
                                              ("co-funder", "Medefinancier", False),
                                              ("interested", "Geïnteresseerd", False),
                                              ("contractor", "Opdrachtnemer", False)]
    assert offered(page, "organisation", "/ballots") == [("utrecht", "Utrecht", False)]  # the one that steers
    assert offered(page, "app", "/solutions") == [("zaakafhandelcomponent", "Zaakafhandelcomponent", False)]


def test_publish_page_offers_the_persons_organisations(sqlite_app: Flask, forms: list[FlaskForm]) -> None:
    add_person(sqlite_app, "eva@dimpact.example", "dimpact", "owner")
    add_person(sqlite_app, "eva@dimpact.example", "utrecht", "maintainer")
    client = sqlite_app.test_client()
    assert sign_in(client, "eva@dimpact.example") == 302
    assert offered(_page(client, "/publish"), "organisation") == [("dimpact", "Dimpact", False),
                                                                   ("utrecht", "Utrecht", False)]


def test_fixed_options_of_the_listing_and_webhook_forms(sqlite_app: Flask, forms: list[FlaskForm]) -> None:
    """Options written in the form classes; the checkboxes show which ones the listing has."""
    vendor_market(sqlite_app)
    client = sqlite_app.test_client()
    assert sign_in(client, "eva@acme.example") == 302
    listing = _page(client, LISTING)
    assert offered(listing, "pricing_model")[:2] == [("", "Kies een prijsmodel", False),
                                                     ("per-inhabitant", "Per inwoner", True)]
    assert offered(listing, "support_hours")[:2] == [("", "Kies de tijden van ondersteuning", False),
                                                     ("office-hours", "Kantooruren", True)]
    assert offered(listing, "hosting") == [("shared-platform", "Op uw eigen (gedeelde) platform", True),
                                           ("saas", "Beheerd door de leverancier (SaaS)", True)]
    events = offered(_page(client, "/organisations/acme/webhooks"), "events")
    assert events[0] == ("release.published", "Er is een release gepubliceerd", False) and len(events) == 6


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept-Language": "nl"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)
