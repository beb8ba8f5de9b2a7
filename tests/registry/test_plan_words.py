"""Plan problems carry a code and data, and the message catalogues word every
one of them in Dutch and English (the API keeps its English ``message``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from sdk.messages import catalogue, describe
from tests.conftest import add_organisation
from tests.registry.installs_support import Municipality, copy_catalogue, municipality, release
from web.labels import PROBLEMS

SERVICES = Path(__file__).resolve().parents[2] / "registry" / "services"


def plan_codes() -> set[str]:
    """Every ``plan.*`` code the services can put in a plan."""
    found: set[str] = set()
    for source in SERVICES.glob("*.py"):
        found |= set(re.findall(r'"(plan\.[a-z-]+)"', source.read_text()))
    return found


def test_every_plan_problem_has_words_and_a_heading_in_both_languages() -> None:
    codes = plan_codes()
    assert {"plan.conflict", "plan.collision", "plan.missing-config"} <= codes
    for language in ("en", "nl"):
        assert codes <= catalogue(language).keys(), codes - catalogue(language).keys()
    assert codes <= PROBLEMS.keys(), codes - PROBLEMS.keys()


@pytest.fixture
def utrecht(request: pytest.FixtureRequest, sqlite_app: Flask) -> Iterator[tuple[Flask, Municipality]]:
    client = sqlite_app.test_client()
    sqlite_app.config["DIMPACT_TOKEN"] = copy_catalogue(request, sqlite_app)
    town = municipality(sqlite_app, client)
    town.environment("test")
    town.environment("productie", "production", promoteFrom="test")
    yield sqlite_app, town


def test_problems_of_real_plans_read_in_dutch_from_their_data(utrecht: tuple[Flask, Municipality]) -> None:
    app, town = utrecht
    dimpact = app.config["DIMPACT_TOKEN"]
    release(town.client, dimpact, "zaakportaal", "1.0.0", config=[
        {"name": "hostname", "required": True, "example": "zaken.example.nl"}, {"name": "replicas", "default": "2"}])
    vendor = add_organisation(app, "acme", "vendor")
    release(town.client, vendor, "acme-zaken", "1.0.0", publisher="acme", license="LicenseRef-Proprietary")
    plans = [town.plan("test", "meldingen"), town.plan("test", "klantportaal"), town.plan("test", "zaakportaal"),
             town.plan("test", "acme-zaken"), town.plan("productie", "open-notificaties", "1.4.0")]
    problems = [p for plan in plans for p in plan["problems"]]
    assert {p["code"] for p in problems} >= {"plan.conflict", "plan.choice-needed", "plan.missing-config",
                                             "plan.needs-entitlement", "plan.promotion"}
    for problem in problems:
        dutch, spoken = describe(problem["code"], problem["data"], problem["message"], "nl")
        assert spoken == "nl", problem
        assert "`" not in dutch and "None" not in dutch
        assert describe(problem["code"], problem["data"], problem["message"], "en")[1] == "en"
    entitlement = next(p for p in problems if p["code"] == "plan.needs-entitlement")
    assert describe(entitlement["code"], entitlement["data"], "", "nl")[0] == (
        "acme-zaken 1.0.0 is een commerciële module: uw organisatie heeft eerst toestemming van acme nodig.")
