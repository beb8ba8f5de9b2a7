"""A small catalogue for install tests, published through the API, and a municipality that plans on it.

The catalogue has shared dependencies, two apps that provide one API, a yanked
release and a release that does not run on the platform profile (it needs
redis, which the profile lacks).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url

from registry.db import database
from tests import factories
from tests.conftest import add_organisation, copy_of, make_app
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

PROFILE = "gemeentecloud"
TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {id}
data:
  host: "${{hostname}}"
  replicas: "${{replicas}}"
"""

#: An app's Secret filled from a secret config entry (``secret: true``) at install time.
SECRET_TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata:
  name: kluis-db
stringData:
  password: "${dbPassword}"
"""


def release(client: FlaskClient, token: str, app_id: str, version: str, *, provides: dict[str, str] | None = None,
            apps: dict[str, str] | None = None, apis: dict[str, str] | None = None,
            needs_redis: bool = False, config: list[dict[str, Any]] | None = None,
            publisher: str = "dimpact", license: str = "EUPL-1.2", requires: dict[str, Any] | None = None,
            **manifest_keys: Any) -> dict[str, Any]:
    """Publish one release; keyword arguments fill provides/requires/config (``requires`` as written)."""
    requires = dict(requires or {})
    if apps:
        requires["apps"] = [{"id": a, "version": r} for a, r in apps.items()]
    if apis:
        requires["apis"] = [{"api": a, "version": r} for a, r in apis.items()]
    if needs_redis:
        requires["platform"] = {"services": ["redis"]}
    name = manifest_keys.pop("name", app_id.replace("-", " ").title())
    manifest = factories.manifest(
        id=app_id, version=version, name=name, publisher=publisher, license=license,
        provides=[{"api": a, "version": v} for a, v in (provides or {}).items()] or None,
        requires=requires or None, config=config, **manifest_keys)
    extra = {"deploy__config.yaml": TEMPLATE.format(id=app_id)} if config else {}
    files = factories.package_files(manifest, **extra)
    if license == "LicenseRef-Proprietary":
        del files["publiccode.yml"]
    response = publish(client, token, factories.tar_gz(files))
    assert response.status_code == 201, response.json
    return response.json


def yank(client: FlaskClient, token: str, app_id: str, version: str, reason: str) -> None:
    response = client.post(f"/api/v1/apps/{app_id}/releases/{version}/yank", json={"reason": reason},
                           headers=bearer(token))
    assert response.status_code == 200, response.json


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Municipality:
    """A municipality's token and shortcuts to its API."""

    client: FlaskClient
    slug: str
    token: str

    @property
    def base(self) -> str:
        return f"/api/v1/organisations/{self.slug}/environments"

    def environment(self, name: str, stage: str = "test", **fields: Any) -> dict[str, Any]:
        body = {"name": name, "stage": stage, "profile": PROFILE, **fields}
        response = self.client.post(self.base, json=body, headers=bearer(self.token))
        assert response.status_code == 201, response.json
        return response.json

    def plan(self, env: str, app: str, version: str | None = None, **choices: str) -> dict[str, Any]:
        body: dict[str, Any] = {"app": app}
        if version:
            body["version"] = version
        if choices:
            body["choices"] = {k.replace("_", "-"): v for k, v in choices.items()}
        response = self.client.post(f"{self.base}/{env}/plans", json=body, headers=bearer(self.token))
        assert response.status_code == 201, response.json
        return response.json

    def get(self, path: str) -> Any:
        url = f"{self.base}/{path}" if path else self.base
        return self.client.get(url, headers=bearer(self.token))

    def record(self, env: str, plan: dict[str, Any]) -> Any:
        return self.client.post(f"{self.base}/{env}/installations", json={"plan": plan["id"]},
                                headers=bearer(self.token))

    def install(self, env: str, app: str, version: str | None = None, **choices: str) -> dict[str, Any]:
        """Plan and record; the plan must be ready."""
        plan = self.plan(env, app, version, **choices)
        assert plan["status"] == "ready", plan
        response = self.record(env, plan)
        assert response.status_code == 201, response.json
        return plan


def municipality(app: Flask, client: FlaskClient, slug: str = "utrecht") -> Municipality:
    return Municipality(client, slug, add_organisation(app, slug, "municipality"))


def steps(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["app"], s["version"], s["action"]) for s in plan["steps"]]


def catalogue(app: Flask, client: FlaskClient) -> str:
    """Publish the test catalogue; returns dimpact's token."""
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    token = add_organisation(app, "dimpact")
    notificaties = {"notificaties": "1.0.0"}
    release(client, token, "open-notificaties", "1.4.0", provides=notificaties)
    release(client, token, "open-notificaties", "1.5.0", provides=notificaties)
    release(client, token, "open-notificaties", "1.6.0", provides=notificaties, needs_redis=True)
    release(client, token, "open-notificaties", "2.0.0", provides={"notificaties": "2.0.0"})
    release(client, token, "open-notificaties", "2.1.0-rc.1", provides={"notificaties": "2.1.0"})
    yank(client, token, "open-notificaties", "1.5.0", "Berichten raken kwijt; gebruik 1.4.0 of 2.0.0.")
    release(client, token, "open-zaak", "1.2.0", apps={"open-notificaties": ">=1.4.0 <2.0.0"},
            provides={"zgw-zaken": "1.5.0", "zgw-catalogi": "1.0.0"})
    release(client, token, "catalogi-plus", "1.0.0", provides={"zgw-catalogi": "1.1.0"})
    release(client, token, "zaakafhandelcomponent", "1.4.0", apps={"open-zaak": "^1.0"},
            apis={"zgw-catalogi": "^1.0"})
    release(client, token, "klantportaal", "1.0.0", apis={"zgw-catalogi": "^1.0"})
    release(client, token, "meldingen", "1.0.0", apps={"open-notificaties": "^2.0", "open-zaak": "^1.0"})
    return token


@dataclass(frozen=True)
class PublishedCatalogue:
    """The test catalogue as published once: its database, its artifacts and dimpact's token."""

    database_url: str
    artifacts: Path
    token: str


#: The published catalogue per database kind, made at most once a session (per xdist worker).
PUBLISHED = pytest.StashKey[dict[str, PublishedCatalogue]]()


def copy_catalogue(request: pytest.FixtureRequest, app: Flask) -> str:
    """The test catalogue in ``app``'s fresh database and store; returns dimpact's token.

    Publishing it costs seconds (eleven releases verified); it is published once a session
    per database kind and each test gets a copy, as the schema's template is copied."""
    kind = make_url(app.config["DATABASE_URL"]).get_backend_name()
    published = request.config.stash.setdefault(PUBLISHED, {})
    if kind not in published:
        published[kind] = publish_once(request, kind)
    source = published[kind]
    database(app).dispose()  # nobody may be connected while the database is replaced
    target = make_url(app.config["DATABASE_URL"]).database
    if kind == "sqlite":
        shutil.copyfile(str(make_url(source.database_url).database), str(target))
    else:
        server = request.getfixturevalue("postgres_server")
        server.drop_database(target)
        server.create_database(template=make_url(source.database_url).database, name=target)
    shutil.copytree(source.artifacts, artifact_root(app), dirs_exist_ok=True)
    return source.token


def publish_once(request: pytest.FixtureRequest, kind: str) -> PublishedCatalogue:
    folder: Path = request.getfixturevalue("tmp_path_factory").mktemp(f"catalogue-{kind}")
    if kind == "sqlite":
        url = copy_of(request.getfixturevalue("sqlite_template"), folder / "registry.db")
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database(template=request.getfixturevalue("postgres_template")))
    app = make_app(folder / "data", url, with_schema=True)
    token = catalogue(app, app.test_client())
    database(app).dispose()  # a template nobody is connected to
    return PublishedCatalogue(url, artifact_root(app), token)


def artifact_root(app: Flask) -> Path:
    """Where the app's file store keeps artifacts (the tests' apps use the file store)."""
    url = urlparse(app.config["STORAGE_URL"])
    assert url.scheme == "file", f"the catalogue copies only into a file store, not {url.scheme}"
    return Path(url.path)


@pytest.fixture
def utrecht(request: pytest.FixtureRequest, app: Flask, client: FlaskClient) -> Municipality:
    """Utrecht with a `test` environment, on the test catalogue (dimpact's token in the app config)."""
    app.config["DIMPACT_TOKEN"] = copy_catalogue(request, app)
    town = municipality(app, client)
    town.environment("test")
    return town
