"""The verdict per release and profile: runs, meets the policy, advice; and what
the registry does with a release that runs on no platform."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.services.profiles import ProfileService
from tests import factories
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

PRIVILEGED = ("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n            privileged: true")
REMOVED_API = ("apps/v1", "extensions/v1beta1")


def deployment(app_id: str, *changes: tuple[str, str]) -> str:
    text = factories.DEPLOYMENT.format(name=app_id, digest="b" * 64)
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def release_of(app_id: str, version: str, *changes: tuple[str, str], name: str | None = None) -> bytes:
    manifest = factories.manifest(id=app_id, version=version, name=name or app_id.title())
    return factories.package(manifest, **{"deploy__deployment.yaml": deployment(app_id, *changes)})


def seed_haven(app: Flask) -> None:
    with database(app).session() as session:
        ProfileService(session).seed_defaults("test")
        session.commit()


def test_policy_failures_are_not_called_does_not_run(app: Flask, client: FlaskClient, token: str) -> None:
    seed_haven(app)
    put_profile(app, profile_yaml("streng", ["1.35"], policies="[{check: pod-security}, {check: resources}]"))
    response = publish(client, token, release_of("meldingen", "1.0.0", PRIVILEGED))
    assert response.status_code == 201, response.json
    rows = {c["profile"]: c for c in response.json["compatibility"]}
    haven = rows["haven"]
    assert (haven["runs"], haven["meetsPolicy"], haven["compatible"]) == (True, False, False)
    assert haven["failedPolicies"] == ["pod-security"]
    kinds = {f["code"]: f["kind"] for f in haven["findings"]}
    assert kinds["pod-security.privileged"] == "policy"
    page = client.get("/apps/meldingen").get_data(as_text=True)
    assert "Draait, maar voldoet niet aan beleid pod-security" in page
    assert "runs-nowhere" not in page


def test_advisory_policies_are_advice(app: Flask, client: FlaskClient, token: str) -> None:
    seed_haven(app)
    unpinned = ("@sha256:" + "b" * 64, ":1.0")
    response = publish(client, token, release_of("meldingen", "1.0.0", unpinned))
    assert response.status_code == 201, response.json
    (haven,) = response.json["compatibility"]
    assert haven["compatible"] is True
    advice = [f for f in haven["findings"] if f["code"].startswith("images.")]
    assert advice and all(f["kind"] == "advice" and f["severity"] == "warning" for f in advice)


def test_a_release_that_runs_nowhere_is_never_offered(app: Flask, client: FlaskClient, token: str) -> None:
    seed_haven(app)
    assert publish(client, token, release_of("meldingen", "1.0.0")).status_code == 201
    newer = publish(client, token, release_of("meldingen", "1.1.0", REMOVED_API))
    assert newer.status_code == 201, newer.json  # accepted: a newer platform may run it
    (haven,) = newer.json["compatibility"]
    assert haven["runs"] is False and haven["compatible"] is False
    assert {f["kind"] for f in haven["findings"] if f["severity"] == "error"} == {"runs"}
    app_body = client.get("/api/v1/apps/meldingen").json
    assert app_body["latestVersion"] == "1.0.0"  # the newest release that runs
    page = client.get("/apps/meldingen/releases/1.1.0").get_data(as_text=True)
    assert 'id="runs-nowhere"' in page and "Deze versie draait nog op geen enkel platform." in page


def test_search_ranks_apps_that_run_above_those_that_do_not(app: Flask, client: FlaskClient, token: str) -> None:
    seed_haven(app)
    # The one that runs nowhere matches the words better and is newer: it still comes last.
    assert publish(client, token, release_of("zaken-beheer", "1.0.0", name="Zaken beheer")).status_code == 201
    assert publish(client, token, release_of("zaken", "1.0.0", REMOVED_API, name="Zaken")).status_code == 201
    items = client.get("/api/v1/apps?q=zaken").json["items"]
    assert [item["id"] for item in items] == ["zaken-beheer", "zaken"]


def test_a_plan_is_refused_only_for_what_the_environments_profile_enforces(app: Flask, client: FlaskClient,
                                                                           token: str) -> None:
    from tests.registry.installs_support import municipality

    put_profile(app, profile_yaml("streng", ["1.35"], policies="[{check: pod-security}]"))
    put_profile(app, profile_yaml("ruim", ["1.35"], policies="[{check: pod-security, mode: advisory}]"))
    assert publish(client, token, release_of("meldingen", "1.0.0", PRIVILEGED)).status_code == 201
    town = municipality(app, client)
    town.environment("strict", profile="streng")
    town.environment("lenient", profile="ruim")
    refused = town.plan("strict", "meldingen")
    assert refused["status"] == "impossible"
    assert "1.0.0 runs on platform profile `streng` but does not meet its policy" in refused["problems"][0]["message"]
    assert town.plan("lenient", "meldingen")["status"] == "ready"
