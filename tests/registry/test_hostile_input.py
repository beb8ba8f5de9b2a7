"""Hostile clients get a 4xx, never a 5xx: every route, every parameter, on SQLite and PostgreSQL.

The walk takes the routes from ``app.url_map``, so a route added later is
fuzzed without anyone remembering to. Values are the ones that broke pages
before: NUL, a lone surrogate, 2**63, CR/LF, very long text, JSON nested
10,000 deep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.request_guard import MAX_JSON_DEPTH, ROW_ID_MAX, too_deep
from tests.registry.advisory_support import osv_body, publish_advisory
from tests.registry.installs_support import PROFILE, bearer, catalogue, municipality
from tests.web.helpers import add_person, csrf_token, sign_in

HUGE = str(2**63)
#: Path segments as a client sends them (already percent-encoded).
HOSTILE_SEGMENTS = ["a%00b", "%ED%A0%80", HUGE, "-1", "a%0D%0Ab", "x" * 5000, "%D0%B0pp", "..%2F..%2Fetc"]
HOSTILE_QUERY = (f"q=a%00b&page={HUGE}&pageSize={HUGE}&layer=%00&category=%ED%A0%80&license=%0D%0A"
                 f"&publisher={'p' * 5000}&kind=%00&profile=%00&next=/x%0D%0ASet-Cookie:%20a=b&kubernetes=1.%00")
DEEP_JSON = "[" * 10_000 + "]" * 10_000
ESCAPES_JSON = ('{"name": "a\\u0000b", "stage": "test", "profile": "\\ud800", "reason": "x\\u0000", '
                '"app": "\\ud800", "version": "1.0.0\\u0000", "showInAdoption": true, "oin": "\\u0000"}')
HUGE_PLAN_JSON = json.dumps({"plan": 2**63})
NOT_FINITE_JSON = '{"name": "x", "stage": "test", "profile": "p", "config": {"replicas": NaN}, "reason": Infinity}'

HOSTILE_FORM = {"q": "a\x00b", "email": "eva\x00@x", "password": "p\x00" * 8, "next": "/x\r\nSet-Cookie: a=b",
                "app": "\x00", "lang": "nl\x00", "description": "\x00"}
SKIPPED = {"static", "web.static"}
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def landscape(app: Flask, client: FlaskClient) -> dict[str, str]:
    """A catalogue, a municipality with an environment and a plan, and a signed-in owner of both."""
    publisher = catalogue(app, client)
    utrecht = municipality(app, client)
    utrecht.environment("test")
    plan = utrecht.plan("test", "open-zaak")
    add_person(app, "eva@utrecht.example", org="utrecht")
    add_person(app, "eva@utrecht.example", org="dimpact")
    assert sign_in(client, "eva@utrecht.example") == 302
    advisory = publish_advisory(client, publisher, osv_body("open-zaak"))
    return {"advisory_id": advisory["id"], "category": "case-management",
            "app_id": "open-zaak", "version": "1.2.0", "org": "utrecht", "slug": "utrecht", "env": "test",
            "plan_id": str(plan["id"]), "token_id": "1", "index": "0", "path": "docs/screen.png", "profile_id": PROFILE,
            "webhook_id": "1", "delivery_id": "1", "name": "timestamp.json", "initiative_id": "1", "raw": "1",
            "ballot_id": "1", "fingerprint": "ab" * 32,
            "publisher_token": publisher, "municipality_token": utrecht.token}


def routes(app: Flask) -> Iterator[tuple[str, str, list[str]]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule, _ARGUMENT.findall(rule.rule)


def path_of(rule: str, values: dict[str, str]) -> str:
    return _ARGUMENT.sub(lambda m: values[m.group(1)], rule)


def send(client: FlaskClient, method: str, path: str, context: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    own = "org" in path or "organisations" in path
    token = context["municipality_token" if own else "publisher_token"]
    headers = {**bearer(token), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return client.open(path, method=method, headers=headers, **kwargs)


def test_no_route_answers_5xx_to_hostile_input(app: Flask, client: FlaskClient, landscape: dict[str, str]) -> None:
    form_token = csrf_token(client, "/account")
    failures: list[str] = []

    def check(method: str, path: str, what: str, **kwargs: object) -> None:
        response = send(client, method, path, landscape, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {path[:120]} {what}: {response.status_code}")

    for method, rule, arguments in routes(app):
        for argument in arguments:
            for value in HOSTILE_SEGMENTS:
                check(method, path_of(rule, {**landscape, argument: value}), f"<{argument}>={value[:20]}")
        path = path_of(rule, landscape)
        check(method, f"{path}?{HOSTILE_QUERY}", "query")
        if method == "GET":
            continue
        check(method, path, "deep JSON", data=DEEP_JSON, content_type="application/json")
        check(method, path, "escapes in JSON", data=ESCAPES_JSON, content_type="application/json")
        check(method, path, "plan 2**63", data=HUGE_PLAN_JSON, content_type="application/json")
        check(method, path, "NaN in JSON", data=NOT_FINITE_JSON, content_type="application/json")
        check(method, path, "NUL in form", data={**HOSTILE_FORM, "csrf_token": form_token})
    assert not failures, "\n".join(failures[:30])


@pytest.mark.parametrize("body", [DEEP_JSON, ESCAPES_JSON, NOT_FINITE_JSON])
def test_hostile_json_is_a_400_problem(client: FlaskClient, token: str, body: str) -> None:
    response = client.post("/api/v1/apps/zaakafhandelcomponent/releases/1.4.0/yank", data=body,
                           content_type="application/json", headers=bearer(token))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["type"].endswith("/malformed-input")


@pytest.mark.parametrize("url", ["/api/v1/apps?q=a%00b", "/api/v1/apps/a%00b", "/apps?q=%00", "/apps/open%00zaak"])
def test_nul_in_query_or_id_is_a_400(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json["type"].endswith("/malformed-input")


def test_row_ids_beyond_the_database_are_not_found(app: Flask, client: FlaskClient,
                                                   landscape: dict[str, str]) -> None:
    base = "/api/v1/organisations/utrecht/environments/test"
    headers = bearer(landscape["municipality_token"])
    for plan_id in (HUGE, str(ROW_ID_MAX + 1), "0", "١٢"):  # the last: Arabic-Indic digits
        assert client.get(f"{base}/plans/{plan_id}", headers=headers).status_code == 404
        assert client.get(f"/organisations/utrecht/environments/test/plans/{plan_id}").status_code == 404
    response = client.post(f"{base}/installations", data=HUGE_PLAN_JSON, content_type="application/json",
                           headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("target", [
    "/account\r\nSet-Cookie: a=b", "/account\nx", "//evil.example/x", "/\t/evil.example", "\\\\evil.example",
    "/\\evil.example", "https://evil.example/", "/account\x00", " /account",
])
def test_next_is_only_a_same_site_path(app: Flask, client: FlaskClient, target: str) -> None:
    add_person(app, "eva@dimpact.example")
    response = client.post("/sign-in", data={"email": "eva@dimpact.example", "password": "correct horse battery staple",
                                             "csrf_token": csrf_token(client), "next": target})
    if "\x00" in target:
        assert response.status_code == 400  # the request guard refuses NUL before the form is read
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/account"


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert not too_deep(json.dumps({"text": "[" * 10_000}).encode())
    assert not too_deep(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())
    assert too_deep(("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode())
    assert too_deep(('["\\"[", ' * 2 + "[" * 40).encode())  # an escaped quote does not end the string


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_in_search_and_ids_is_answered(sqlite_app: Flask, text: str) -> None:
    client = sqlite_app.test_client()
    segment = quote(text.encode("utf-8", "surrogatepass"), safe="")
    for url in (f"/api/v1/apps?q={segment}", f"/apps?q={segment}", f"/api/v1/apps/{segment or 'x'}",
                f"/apps/{segment or 'x'}", f"/api/v1/apps/x/releases/{segment or 'x'}"):
        assert client.get(url).status_code < 500, url
