"""HTTP caching of the catalogue's list and search (API and results page): ETag, 304, Cache-Control."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from registry.db import database
from tests.registry.installs_support import yank
from tests.registry.test_catalogue_api import publish_app
from tests.web.helpers import add_person, sign_in

LIST = "/api/v1/apps"


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app runs meanwhile."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_current_copy_is_answered_304_without_the_query(app: Flask, client: FlaskClient, token: str) -> None:
    publish_app(client, token)
    first = client.get(f"{LIST}?q=zaak")
    assert first.status_code == 200 and first.json["total"] == 1
    assert first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    with statements(app) as seen:
        again = client.get(f"{LIST}?q=zaak", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(seen) == 1, seen  # the catalogue's state only
    # Another question is another answer; the same one from the worker's cache is the same bytes.
    assert client.get(f"{LIST}?q=formulier").headers["ETag"] != first.headers["ETag"]
    cached = client.get(f"{LIST}?q=zaak")
    assert cached.data == first.data and cached.headers["ETag"] == first.headers["ETag"]


def test_publish_and_yank_change_the_tag(client: FlaskClient, token: str) -> None:
    publish_app(client, token)
    before = client.get(LIST)
    publish_app(client, token, id="open-formulieren", name="Open Formulieren")
    published = client.get(LIST, headers={"If-None-Match": before.headers["ETag"]})
    assert published.status_code == 200 and published.json["total"] == 2
    yank(client, token, "open-formulieren", "1.4.0", "Broken migration")
    yanked = client.get(LIST, headers={"If-None-Match": published.headers["ETag"]})
    assert yanked.status_code == 200
    assert yanked.headers["ETag"] not in (before.headers["ETag"], published.headers["ETag"])


def test_without_a_worker_cache_answers_are_the_same(tmp_path, schema_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import add_organisation, make_app

    answers = []
    for size in (0, 1 << 20):
        app = make_app(tmp_path / str(size), schema_url, with_schema=True, CATALOGUE_CACHE_BYTES=size)
        client = app.test_client()
        if size == 0:
            publish_app(client, add_organisation(app, "dimpact"))
        answers.append([client.get(LIST).data, client.get(LIST).data])
        database(app).dispose()
    assert answers[0] == answers[1] and answers[0][0] == answers[0][1]


def test_the_results_page_is_revalidated_and_kept_private(app: Flask, client: FlaskClient, token: str) -> None:
    publish_app(client, token)
    page = client.get("/apps?q=zaak")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in page.headers["Vary"]
    assert client.get("/apps?q=zaak", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    # Another query and a publish each give the page another tag.
    assert client.get("/apps?q=zaak&sort=name").headers["ETag"] != page.headers["ETag"]
    publish_app(client, token, id="open-formulieren", name="Open Formulieren", summary="Zaakgericht formulieren")
    changed = client.get("/apps?q=zaak", headers={"If-None-Match": page.headers["ETag"]})
    assert changed.status_code == 200
    assert b"/apps/open-formulieren" in changed.data  # the counts kept by the worker were made again

    add_person(app, "anna@example.org")
    assert sign_in(client, "anna@example.org") == 302
    for _ in range(2):  # the first shows the welcome message once, so it is not kept at all
        signed_in = client.get("/apps?q=zaak", headers={"If-None-Match": page.headers["ETag"]})
        assert signed_in.status_code == 200
        assert signed_in.headers["Cache-Control"].startswith("private, ")
    assert signed_in.headers["ETag"] != page.headers["ETag"]
