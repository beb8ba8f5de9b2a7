"""Comparing apps: the facts per app, the rows that differ, what is refused, and
a bounded number of queries however long the apps' histories are."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, select

from registry.db import database
from registry.models import Organisation
from registry.services.comparison import (
    TOO_FEW,
    TOO_MANY,
    UNKNOWN,
    ApiOffer,
    Comparison,
    ComparisonRefused,
    ComparisonService,
    PlatformVerdict,
)
from sdk.requirements import ApiNeed
from tests.registry.commercial import MODULE, listing_body, open_market
from tests.registry.installs_support import PROFILE, catalogue, municipality, release


@pytest.fixture
def market(sqlite_app: Flask) -> Flask:
    return open_for_comparison(sqlite_app)


@pytest.fixture
def market_on_both(app: Flask) -> Flask:
    """The same on PostgreSQL too, where the adoption count's grouping is strictest."""
    return open_for_comparison(app)


def open_for_comparison(app: Flask) -> Flask:
    """The install tests' catalogue, open-zaak in production at Utrecht, dimpact verified,
    and a commercial module with its listing."""
    client = app.test_client()
    app.config["DIMPACT_TOKEN"] = catalogue(app, client)
    town = municipality(app, client)
    town.environment("productie", stage="production")
    town.install("productie", "open-zaak")
    commercial = open_market(app)
    assert commercial.call("vendor", "PUT", f"/api/v1/apps/{MODULE}/listing", json=listing_body()).status_code == 201
    with database(app).session() as session:
        session.scalars(select(Organisation).where(Organisation.slug == "dimpact")).one().verified = True
        session.commit()
    return app


def compare(app: Flask, *ids: str) -> Comparison:
    with database(app).session() as session:
        return ComparisonService(session).compare(list(ids))


def test_facts_of_open_source_apps(market_on_both: Flask) -> None:
    comparison = compare(market_on_both, "open-zaak", "zaakafhandelcomponent")
    zaak, zac = comparison.apps
    assert [zaak.slug, zac.slug] == ["open-zaak", "zaakafhandelcomponent"]  # in the order asked
    assert zaak.layers == ["process"] and zaak.licence_kind == "open" and zaak.licence == "EUPL-1.2"
    assert (zaak.publisher_slug, zaak.publisher_verified) == ("dimpact", True)
    assert zaak.provides == [ApiOffer("zgw-zaken", "1.5.0"), ApiOffer("zgw-catalogi", "1.0.0")]
    assert zac.requires == [ApiNeed((("zgw-catalogi", "^1.0"),))] and zaak.requires == []
    assert zaak.adoption == 1 and zac.adoption == 0  # from Utrecht's production install
    assert (zaak.maintenance, zaak.development_status) == ("community", "stable")
    assert zaak.latest_version == "1.2.0" and zaak.released_at is not None
    assert zaak.platforms == {PROFILE: PlatformVerdict(True, True, [])}
    assert comparison.profiles == [(PROFILE, f"Platform {PROFILE}")]
    assert zaak.pricing_model is None
    assert {"provides", "requires", "adoption", "latest"} <= comparison.differing
    assert not comparison.differs("layer") and not comparison.differs("licence")
    assert not comparison.differs("publisher") and not comparison.differs("platform:" + PROFILE)


def test_facts_of_a_commercial_module_with_its_price(market: Flask) -> None:
    comparison = compare(market, MODULE, "open-zaak")
    module, zaak = comparison.apps
    assert module.licence_kind == "proprietary" and zaak.licence_kind == "open"
    assert (module.pricing_model, module.pricing_note) == ("per-inhabitant", "EUR 0.12 per inhabitant a year")
    assert (module.publisher_slug, module.publisher_kind, module.publisher_verified) == ("acme", "vendor", False)
    assert {"licence", "publisher", "price"} <= comparison.differing


def test_a_platform_it_does_not_run_on_differs(market: Flask) -> None:
    client = market.test_client()
    release(client, market.config["DIMPACT_TOKEN"], "meldingen-redis", "1.0.0", needs_redis=True)
    comparison = compare(market, "meldingen-redis", "open-zaak")
    assert not comparison.apps[0].platforms[PROFILE].runs  # the profile has no redis
    assert comparison.apps[1].platforms[PROFILE].runs
    assert comparison.differs("platform:" + PROFILE)


def test_the_api_answers_the_same_facts(market: Flask) -> None:
    client = market.test_client()
    response = client.get(f"/api/v1/comparisons?ids=open-zaak,{MODULE}")
    assert response.status_code == 200, response.json
    zaak, module = response.json["apps"]
    assert zaak["id"] == "open-zaak" and zaak["publisherVerified"] is True and zaak["adoption"] == 1
    assert zaak["provides"][0] == {"api": "zgw-zaken", "version": "1.5.0"}
    assert zaak["platforms"] == [{"profile": PROFILE, "name": f"Platform {PROFILE}", "runs": True,
                                  "meetsPolicy": True, "failedPolicies": []}]
    assert zaak["releasedAt"].endswith("Z") and zaak["price"] is None
    assert module["licenseKind"] == "proprietary" and module["price"]["model"] == "per-inhabitant"
    assert {"licence", "price"} <= set(response.json["differing"])


@pytest.mark.parametrize(("query", "status", "code"), [
    ("?ids=open-zaak", 400, TOO_FEW), ("?ids=open-zaak,no-such-app", 404, UNKNOWN), ("", 400, None),
])
def test_the_api_refuses_with_a_problem(market: Flask, query: str, status: int, code: str | None) -> None:
    response = market.test_client().get("/api/v1/comparisons" + query)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.json.get("code") == code
    assert (code is not None) or response.json["invalidParams"][0]["name"] == "ids"


@pytest.mark.parametrize(("ids", "code", "chosen"), [
    (["open-zaak"], TOO_FEW, ["open-zaak"]),
    (["open-zaak", "open-zaak"], TOO_FEW, ["open-zaak"]),  # the same app twice is one app
    ([], TOO_FEW, []),
    (["a-one", "a-two", "a-three", "a-four", "a-five"], TOO_MANY, ["a-one", "a-two", "a-three", "a-four", "a-five"]),
    (["open-zaak"] * 25, TOO_MANY, ["open-zaak"] * 4),  # too long a list is refused unread
])
def test_refuses_fewer_than_two_or_more_than_four(sqlite_app: Flask, ids: list[str], code: str,
                                                  chosen: list[str]) -> None:
    with pytest.raises(ComparisonRefused) as refused:
        compare(sqlite_app, *ids)
    assert (refused.value.code, refused.value.status, refused.value.chosen) == (code, 400, chosen)


def test_names_the_unknown_apps(market: Flask) -> None:
    with pytest.raises(ComparisonRefused) as refused:
        compare(market, "open-zaak", "no-such-app", "Not An Id!")
    assert refused.value.code == UNKNOWN and refused.value.status == 404
    assert refused.value.unknown == ["Not An Id!"]  # malformed ids are named before the database is asked
    with pytest.raises(ComparisonRefused) as refused:
        compare(market, "open-zaak", "no-such-app")
    assert (refused.value.unknown, refused.value.chosen) == (["no-such-app"], ["open-zaak"])


def test_queries_do_not_grow_with_releases(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    token = catalogue(sqlite_app, client)
    counted = count_queries(sqlite_app, ["open-notificaties", "open-zaak", "klantportaal", "meldingen"])
    for minor in range(1, 4):
        release(client, token, "open-zaak", f"1.3.{minor}", provides={"zgw-zaken": "1.5.0"})
        release(client, token, "meldingen", f"1.1.{minor}")
    assert count_queries(sqlite_app, ["open-notificaties", "open-zaak", "klantportaal", "meldingen"]) == counted
    assert counted <= 5  # apps, latest releases, their verdicts, adoption (and listings if commercial)


def count_queries(app: Flask, ids: list[str]) -> int:
    engine = database(app).engine
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        compare(app, *ids)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements)
