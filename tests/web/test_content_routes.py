"""Every route, API and web, that could send a byte of a package: none gives a commercial
release's content to an organisation without an entitlement.

The routes are not listed by hand: every GET route of ``app.url_map`` is called,
so a new route that serves package content without the download door fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.registry.commercial import MODULE, commercial_manifest, open_market
from tests.registry.content_support import README_IMAGE, SECRET, images, package_with_content
from tests.registry.installs_support import PROFILE, Municipality, bearer
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, sign_in

#: The routes that serve package content; each must refuse, and each must serve the entitled.
CONTENT_ENDPOINTS = {
    "api.download_package", "api.get_bundle",
    "web.download_package", "web.screenshot", "web.logo", "web.release_image",
}
RELEASE = "1.5.0"  # published with content of every kind, after the market's 1.4.0
ENTITLED_PERSON = "ria@utrecht.example"
UNENTITLED_PERSON = "zeno@zeist.example"


@dataclass
class Scene:
    app: Flask
    archive: bytes
    plan_id: int
    vendor_token: str
    clients: dict[str, tuple[FlaskClient, dict[str, str]]]  # role -> client, headers

    @property
    def secrets(self) -> list[bytes]:
        """Bytes that only the package holds: the archive, a deploy file's text, each image."""
        return [self.archive, SECRET.encode(), *images(MODULE, RELEASE).values()]

    def leaked(self, body: bytes) -> list[str]:
        return [repr(s[:24]) for s in self.secrets if s in body]


@pytest.fixture
def scene(sqlite_app: Flask) -> Scene:
    """acme's commercial module with content of every kind; utrecht (entitled) planned it."""
    app = sqlite_app
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    market = open_market(app)
    archive = package_with_content(commercial_manifest(version=RELEASE))
    assert publish(market.client, market.tokens["vendor"], archive).status_code == 201
    utrecht = Municipality(market.client, "utrecht", str(market.tokens["entitled"]))
    utrecht.environment("test")
    plan = utrecht.plan("test", MODULE, RELEASE)
    assert plan["status"] == "ready", plan
    add_person(app, ENTITLED_PERSON, "utrecht")
    add_person(app, UNENTITLED_PERSON, "zeist")
    clients: dict[str, tuple[FlaskClient, dict[str, str]]] = {"anonymous": (app.test_client(), {})}
    for role, token in (("entitled-token", market.tokens["entitled"]),
                        ("unentitled-token", market.tokens["unentitled"])):
        clients[role] = (app.test_client(), bearer(str(token)))
    for role, email in (("entitled-person", ENTITLED_PERSON), ("unentitled-person", UNENTITLED_PERSON)):
        client = app.test_client()
        assert sign_in(client, email) == 302
        clients[role] = (client, {})
    return Scene(app, archive, plan["id"], str(market.tokens["vendor"]), clients)


def argument_values(scene: Scene) -> dict[str, str]:
    return {
        "app_id": MODULE, "version": RELEASE, "index": "0", "path": README_IMAGE,
        "org": "utrecht", "slug": "utrecht", "env": "test", "plan_id": str(scene.plan_id),
        "filename": "appstore.css", "lang": "nl", "token_id": "1", "profile_id": "gemeentecloud",
        "advisory_id": "GAS-2026-0001", "category": "case-management", "webhook_id": "1", "delivery_id": "1",
        "name": "timestamp.json", "initiative_id": "1", "raw": "1", "ballot_id": "1", "fingerprint": "ab" * 32,
    }


def url(rule: Rule, values: dict[str, str]) -> str:
    unknown = set(rule.arguments) - set(values)
    assert not unknown, (f"{rule.rule} takes {sorted(unknown)}: give them values in argument_values, "
                         "so that this test calls the route")
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", values[name])
        for converter in ("int", "path", "string"):
            path = path.replace(f"<{converter}:{name}>", values[name])
    return path


def get_routes(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in (r.methods or ())), key=lambda r: r.rule)


def call(scene: Scene, role: str, path: str, method: str = "GET"):  # type: ignore[no-untyped-def]
    client, headers = scene.clients[role]
    return client.open(path, method=method, headers=headers)


def revoke(scene: Scene) -> None:
    client = scene.app.test_client()
    revoked = client.delete(f"/api/v1/apps/{MODULE}/entitlements/utrecht", headers=bearer(scene.vendor_token))
    assert revoked.status_code == 204


def test_every_content_route_serves_an_entitled_organisation(scene: Scene) -> None:
    """The control: with these argument values each content route really sends content."""
    values = argument_values(scene)
    routes = {r.endpoint: r for r in get_routes(scene.app)}
    assert CONTENT_ENDPOINTS <= set(routes)
    for endpoint in sorted(CONTENT_ENDPOINTS):
        role = "entitled-token" if endpoint.startswith("api.") else "entitled-person"
        response = call(scene, role, url(routes[endpoint], values))
        assert response.status_code == 200, (endpoint, response.status_code)
        assert scene.leaked(response.data), f"{endpoint} sent no package content to the entitled organisation"


def test_no_route_gives_content_of_a_commercial_release_without_an_entitlement(scene: Scene) -> None:
    revoke(scene)
    values = argument_values(scene)
    for rule in get_routes(scene.app):
        path = url(rule, values)
        for role in scene.clients:
            for method in ("GET", "HEAD"):
                response = call(scene, role, path, method)
                leaked = scene.leaked(response.data)
                assert not leaked, f"{method} {path} as {role} sent package content: {leaked}"
                if rule.endpoint in CONTENT_ENDPOINTS:
                    assert response.status_code in (401, 403), (method, path, role, response.status_code)
