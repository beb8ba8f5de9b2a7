"""The web store's facet counts: each facet counted with every other filter, on both databases.

A small catalogue is written as publishing keeps it (layers, runs_on and the
app_category rows on each app) and every combination of chosen filters is
counted by the service and by hand, so a faster way of counting can never
change what a person sees.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from registry.db import database
from registry.models import App, AppCategory, Organisation, PlatformProfileRecord
from registry.services.browsing import BrowseService, StoreFilters
from registry.services.catalogue import AppQuery, layers_column, runs_on_column
from tests.registry.installs_support import yank
from tests.registry.test_catalogue_api import publish_app

LAYERS = ("interaction", "process", "integration", "service", "data")
CATEGORIES = ("forms", "payments", "geo", "case-management")
KINDS = ("municipality", "cooperation", "vendor")
PROFILES = ("haven", "vng-cloud")


@dataclass(frozen=True)
class Stored:
    """One app of the catalogue as the test knows it."""

    layers: frozenset[str]
    open: bool
    kind: str
    profiles: frozenset[str]
    categories: frozenset[str]


def catalogue(app: Flask, count: int = 48, seed: int = 3) -> list[Stored]:
    """Write ``count`` apps with spread facets, as publishing would keep their rows."""
    rng, stored = random.Random(seed), []
    with database(app).session() as session:
        session.execute(insert(Organisation), [{"id": i + 1, "slug": f"org-{i}", "name": f"Org {i}", "kind": kind}
                                               for i, kind in enumerate(KINDS)])
        session.execute(insert(PlatformProfileRecord), [
            {"slug": slug, "name": slug.title(), "source": "", "revision": 1, "status": "active"} for slug in PROFILES])
        for i in range(count):
            facts = Stored(frozenset(rng.sample(LAYERS, rng.randint(0, 2))), rng.random() < 0.7,
                           rng.choice(KINDS), frozenset(p for p in PROFILES if rng.random() < 0.6),
                           frozenset(rng.sample(CATEGORIES, rng.randint(0, 3))))
            stored.append(facts)
            session.execute(insert(App), {
                "id": i + 1, "slug": f"app-{i}", "organisation_id": KINDS.index(facts.kind) + 1, "name": f"App {i}",
                "summary": "s", "license": "EUPL-1.2" if facts.open else "LicenseRef-Proprietary",
                "license_kind": "open" if facts.open else "commercial", "latest_version": "1.0.0",
                "layers": layers_column(tuple(sorted(facts.layers))), "runs_on": runs_on_column(facts.profiles),
                "categories": sorted(facts.categories)})
            if facts.categories:
                session.execute(insert(AppCategory), [{"app_id": i + 1, "category": c} for c in facts.categories])
        # A claim still being published: its rows count nowhere until it has a release.
        session.execute(insert(App), {"id": count + 1, "slug": "claim", "organisation_id": 1, "name": "Claim",
                                      "summary": "s", "license": "EUPL-1.2", "categories": ["geo"]})
        session.execute(insert(AppCategory), {"app_id": count + 1, "category": "geo"})
        session.commit()
    return stored


def by_hand(apps: list[Stored], chosen: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each facet's counts over the apps that match every chosen filter but its own."""
    tests = {
        "layer": lambda a, v: v in a.layers,
        "license": lambda a, v: a.open == (v == "open"),
        "kind": lambda a, v: a.kind == v,
        "profile": lambda a, v: v in a.profiles,
        "category": lambda a, v: v in a.categories,
    }
    options = {"layer": LAYERS, "license": ("open", "proprietary"), "kind": KINDS, "profile": PROFILES,
               "category": CATEGORIES}

    def matches(a: Stored, but: str | None) -> bool:
        return all(tests[f](a, v) for f, v in chosen.items() if f != but)

    counts = {facet: {v: sum(1 for a in apps if matches(a, facet) and tests[facet](a, v)) for v in values}
              for facet, values in options.items()}
    counts["total"] = {"": sum(1 for a in apps if matches(a, None))}
    return counts


def test_every_facet_counts_with_the_other_filters_in_any_combination(app: Flask) -> None:
    apps = catalogue(app)
    picks = {"layer": "process", "license": "open", "kind": "municipality", "profile": "haven", "category": "geo"}
    with database(app).session() as session:
        service = BrowseService(session)
        for size in range(len(picks) + 1):
            for names in itertools.combinations(picks, size):
                chosen = {name: picks[name] for name in names}
                outline = service.outline(
                    AppQuery(layer=chosen.get("layer"), license=chosen.get("license"), category=chosen.get("category"),
                             page_size=100),
                    StoreFilters(publisher_kind=chosen.get("kind"), profile=chosen.get("profile")))
                expected = by_hand(apps, chosen)
                facets = outline.facets
                got = {
                    "layer": {f.value: f.count for f in facets.layer},
                    "license": {f.value: f.count for f in facets.license},
                    "kind": {f.value: f.count for f in facets.publisher_kind},
                    "profile": {f.value: f.count for f in facets.profile},
                    "category": {f.value: f.count for f in facets.category},
                    "total": {"": outline.total},
                }
                # Kinds and categories without apps are left out of the page.
                for facet in ("kind", "category"):
                    expected[facet] = {v: n for v, n in expected[facet].items() if n}
                assert got == expected, chosen
                assert len(outline.app_ids) == outline.total, chosen


def category_rows(app: Flask, slug: str) -> tuple[list[str], set[str]]:
    with database(app).session() as session:
        stored = session.scalars(select(App).where(App.slug == slug)).one()
        rows = set(session.scalars(select(AppCategory.category).where(AppCategory.app_id == stored.id)))
        return list(stored.categories), rows


def test_publishing_keeps_the_category_rows_and_yanking_leaves_them_as_the_app_says(
        app: Flask, client: FlaskClient, token: str) -> None:
    publish_app(client, token, categories=["case-management", "forms"])
    assert category_rows(app, "zaakafhandelcomponent") == (["case-management", "forms"], {"case-management", "forms"})
    publish_app(client, token, version="1.5.0", categories=["forms", "payments"])
    assert category_rows(app, "zaakafhandelcomponent") == (["forms", "payments"], {"forms", "payments"})
    yank(client, token, "zaakafhandelcomponent", "1.5.0", "Lek")
    listed, rows = category_rows(app, "zaakafhandelcomponent")
    assert rows == set(listed)
    # The facet and the filter read the rows.
    found = client.get("/api/v1/apps?category=payments").json["items"]
    assert [item["id"] for item in found] == (["zaakafhandelcomponent"] if "payments" in listed else [])
    with database(app).session() as session:
        facets = BrowseService(session).browse(AppQuery()).facets
    assert {f.value: f.count for f in facets.category} == {value: 1 for value in listed}
