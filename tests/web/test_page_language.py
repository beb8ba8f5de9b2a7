"""Every page in Dutch says it in Dutch: a walk over the main pages and the
error pages that fails on what belongs to developers or to English.

What a reader sees (text outside scripts and styles, and outside fragments
marked ``lang="en"``, which are quoted on purpose) may not hold backticks,
routes of the JSON API, the API's camelCase field names, or sentences the
registry writes in English for the API's ``detail``. Literal code (``<code>``,
such as a finding's key or the shell commands on the app page) may name a key
or a download address, but never holds a backtick.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import manifest, package
from tests.registry.installs_support import catalogue, municipality
from tests.web.helpers import add_person, csrf_token, sign_in

DUTCH = {"Accept-Language": "nl"}
ENV = "/organisations/utrecht/environments/test"
#: Sentences (pieces) the registry writes in English for developers; none may reach a Dutch page.
ENGLISH = ("must be", "There is no", "search the catalogue", "is required", "needs config value",
           "did not pass verification", "Fix them", "exists or existed", "may not publish", "stays installed",
           "Several apps provide", "has not run in", "error(s)", "does not run", "runs on ", "is not a ",
           "The request", "Your organisation", "Not Found", "Bad Request", "Forbidden", "Conflict")
SKIPPED = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text a reader sees, with what sits in ``<code>`` kept apart (literal keys and codes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, hides its text)
        self.prose: list[str] = []
        self.code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        marked_english = any(name == "lang" and (value or "").startswith("en") for name, value in attrs)
        self.open.append((tag, tag in SKIPPED or marked_english))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if any(hidden for _, hidden in self.open) or not data.strip():
            return
        (self.code if any(tag == "code" for tag, _ in self.open) else self.prose).append(data.strip())


def api_field_names(client: FlaskClient) -> set[str]:
    """The camelCase property names of the API's documents, from its OpenAPI description."""
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            names.update(k for k in (node.get("properties") or {}) if re.search(r"[a-z][A-Z]", k))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(client.get("/api/v1/openapi.json").get_json())
    return names


def offences(html: str, fields: set[str]) -> list[str]:
    text = VisibleText()
    text.feed(html)
    prose, everything = " ".join(text.prose), " ".join(text.prose + text.code)
    found = [f"backtick in {m.group(0)!r}" for m in re.finditer(r".{0,30}`.{0,30}", everything)]
    found += [f"API route {m.group(0)!r}" for m in re.finditer(r"/api/\S*", prose)]
    found += [f"API field {word}" for word in sorted(set(re.findall(r"[A-Za-z]+", prose)) & fields)]
    found += [f"English {phrase!r}" for phrase in ENGLISH if phrase in prose]
    return found


def upload(client: FlaskClient, archive: bytes, organisation: str = "dimpact"):
    return client.post("/publish", headers=DUTCH, data={
        "csrf_token": csrf_token(client, "/publish"), "organisation": organisation,
        "package": (io.BytesIO(archive), "zaakafhandelcomponent-1.4.tar.gz")})


def five_mistakes() -> bytes:
    """The manifest of the API's own test: bad id, version, summary, layer and licence."""
    return package(manifest(id="Zaak App", version="1.4", summary="x" * 151, layer="presentation",
                            license="Not-A-Licence-1.0"))


@pytest.fixture
def store(sqlite_app: Flask) -> Iterator[tuple[Flask, FlaskClient]]:
    """The install test catalogue, utrecht's environment `test`, and a person of each organisation."""
    client = sqlite_app.test_client()
    catalogue(sqlite_app, client)
    municipality(sqlite_app, client).environment("test")
    add_person(sqlite_app, "eva@dimpact.example", "dimpact", "owner")
    add_person(sqlite_app, "lid@utrecht.example", "utrecht", "member")
    yield sqlite_app, client


def plan_page(client: FlaskClient, app_id: str) -> str:
    response = client.post(f"{ENV}/plans", headers=DUTCH,
                           data={"app": app_id, "version": "", "csrf_token": csrf_token(client, ENV)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def test_main_pages_and_error_pages_speak_only_dutch(store: tuple[Flask, FlaskClient]) -> None:
    app, client = store
    fields = api_field_names(client)
    pages: dict[str, tuple[int, str]] = {}

    def visit(name: str, status: int, response) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code == status, (name, response.status_code)
        pages[name] = (status, response.get_data(as_text=True))

    for name, path in {"home": "/", "results": "/apps?q=zaak", "app": "/apps/open-zaak",
                       "release": "/apps/open-notificaties/releases/1.5.0", "publisher": "/organisations/dimpact",
                       "400": "/apps?page=x", "404 app": "/apps/no-such-app",
                       "404 release": "/apps/open-zaak/releases/9.9.9", "initiatives": "/initiatives?q=afval",
                       "404 initiative": "/initiatives/999"}.items():
        visit(name, 400 if name == "400" else 404 if name.startswith("404") else 200,
              client.get(path, headers=DUTCH))

    sign_in(client, "lid@utrecht.example")  # a member: plans, but publishes nothing
    visit("plan with a conflict", 200, client.get(plan_page(client, "meldingen"), headers=DUTCH))
    visit("plan with a choice", 200, client.get(plan_page(client, "klantportaal"), headers=DUTCH))
    visit("environment", 200, client.get(ENV, headers=DUTCH))
    visit("403 publish", 403, client.get("/publish", headers=DUTCH))
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, "eva@dimpact.example")
    visit("403 environment", 403, client.get(ENV, headers=DUTCH))
    visit("422 upload", 422, upload(client, five_mistakes()))
    visit("409 upload", 409, upload(client, package(manifest(id="open-zaak", version="1.2.0"))))
    boundary = "unreadable-form"
    lf_only = (f"--{boundary}\nContent-Disposition: form-data; name=\"organisation\"\n\ndimpact\n"
               f"--{boundary}--\n").encode()
    unreadable = client.post("/publish", headers=DUTCH, data=lf_only,
                             content_type=f"multipart/form-data; boundary={boundary}")
    visit("400 unreadable upload", 400, unreadable)
    assert "Het formulier kon niet worden gelezen" in pages["400 unreadable upload"][1]
    app.config["MAX_CONTENT_LENGTH"] = 2048
    visit("413 upload", 413, upload(client, b"\0" * 4096))

    found = {name: offences(html, fields) for name, (_status, html) in pages.items()}
    assert not {name: problems for name, problems in found.items() if problems}


def test_the_checker_finds_what_it_looks_for() -> None:
    fields = {"meetsPolicy"}
    html = ('<main><p>Gebruik `appstore` of GET /api/v1/apps; meetsPolicy</p><p>There is no app x.</p>'
            '<p lang="en">There is no app quoted on purpose.</p><code>spec.containerPort</code>'
            '<script>var text = "must be";</script></main>')
    found = offences(html, fields)
    assert any(f.startswith("backtick") for f in found)
    assert "API route '/api/v1/apps;'" in found
    assert "API field meetsPolicy" in found
    assert found.count("English 'There is no'") == 1
    assert "English 'must be'" not in found
