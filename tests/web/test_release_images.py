"""Screenshots, logos and README images: taken out of the package once, at publish, and
served from the artifact store through the download door."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.db import database
from registry.extensions import STORE
from registry.models import Release, ReleaseAsset
from tests import factories
from tests.conftest import add_organisation
from tests.registry.commercial import MODULE, commercial_manifest, open_market
from tests.registry.content_support import (
    LOGO,
    README_IMAGE,
    SCREENSHOT,
    images,
    package_with_content,
    package_with_svg_logo,
)
from tests.registry.test_publish_api import publish
from tests.web.helpers import add_person, sign_in

OPEN_APP = "zaakafhandelcomponent"
OPEN = f"/apps/{OPEN_APP}/releases/1.4.0"
COMMERCIAL = f"/apps/{MODULE}/releases/1.5.0"


class ImageSources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources += [value for name, value in attrs if name == "src" and value]


def image_sources(client: FlaskClient, path: str) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    parser = ImageSources()
    parser.feed(page.get_data(as_text=True))
    return parser.sources


@pytest.fixture
def open_app(sqlite_app: Flask) -> FlaskClient:
    client = sqlite_app.test_client()
    response = publish(client, add_organisation(sqlite_app, "dimpact"), package_with_content(factories.manifest()))
    assert response.status_code == 201, response.json
    return client


def test_images_are_served_from_the_store_without_the_package(sqlite_app: Flask, open_app: FlaskClient) -> None:
    store = sqlite_app.extensions[STORE]
    with database(sqlite_app).session() as session:
        release = session.query(Release).one()
        assert {a.path for a in release.assets} == {SCREENSHOT, LOGO, README_IMAGE}
        store.delete(release.artifact_sha256)  # nothing may unpack it any more
    expected = images(OPEN_APP, "1.4.0")
    for path, name in ((f"{OPEN}/screenshots/0", SCREENSHOT), (f"{OPEN}/logo", LOGO),
                       (f"{OPEN}/images/{README_IMAGE}", README_IMAGE)):
        response = open_app.get(path)
        assert response.status_code == 200, path
        assert response.data == expected[name] and response.mimetype == "image/png"
        sha256 = hashlib.sha256(expected[name]).hexdigest()
        assert response.headers["ETag"] == f'"{sha256}"'
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert open_app.get(path, headers={"If-None-Match": f'"{sha256}"'}).status_code == 304


def test_paths_that_are_no_extracted_image_are_not_found(open_app: FlaskClient) -> None:
    for path in ("appstore.yaml", "deploy/deployment.yaml", "../appstore.yaml", "docs/missing.png"):
        assert open_app.get(f"{OPEN}/images/{path}").status_code == 404, path
    assert open_app.get(f"{OPEN}/screenshots/1").status_code == 404  # a remote screenshot: not ours to serve
    assert open_app.get(f"{OPEN}/screenshots/7").status_code == 404


def test_the_app_page_shows_the_readme_image_and_logo_from_the_store(open_app: FlaskClient) -> None:
    sources = image_sources(open_app, f"/apps/{OPEN_APP}")
    assert f"{OPEN}/images/{README_IMAGE}" in sources
    assert f"{OPEN}/logo" in sources and f"{OPEN}/screenshots/0" in sources


def test_a_release_from_before_extraction_is_extracted_once_on_first_request(
        sqlite_app: Flask, open_app: FlaskClient) -> None:
    with database(sqlite_app).session() as session:
        release = session.query(Release).one()
        release.assets = []
        release.assets_extracted_at = None
        session.commit()
    assert open_app.get(f"{OPEN}/screenshots/0").data == images(OPEN_APP, "1.4.0")[SCREENSHOT]
    with database(sqlite_app).session() as session:
        release = session.query(Release).one()
        extracted_at = release.assets_extracted_at
        assert extracted_at is not None and len(release.assets) == 3
    assert open_app.get(f"{OPEN}/logo").status_code == 200
    with database(sqlite_app).session() as session:
        assert session.query(Release).one().assets_extracted_at == extracted_at
        assert session.query(ReleaseAsset).count() == 3


@pytest.fixture
def commercial(sqlite_app: Flask) -> FlaskClient:
    market = open_market(sqlite_app)
    archive = package_with_content(commercial_manifest(version="1.5.0"))
    assert publish(market.client, market.tokens["vendor"], archive).status_code == 201
    add_person(sqlite_app, "ria@utrecht.example", "utrecht")
    add_person(sqlite_app, "zeno@zeist.example", "zeist")
    sqlite_app.config["VENDOR_TOKEN"] = market.tokens["vendor"]
    return market.client


def person(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email) == 302
    return client


def test_commercial_images_only_for_entitled_organisations_and_logged(
        sqlite_app: Flask, commercial: FlaskClient) -> None:
    paths = {"screenshot": f"{COMMERCIAL}/screenshots/0", "logo": f"{COMMERCIAL}/logo",
             "readme-image": f"{COMMERCIAL}/images/{README_IMAGE}"}
    entitled, unentitled = person(sqlite_app, "ria@utrecht.example"), person(sqlite_app, "zeno@zeist.example")
    for path in paths.values():
        assert sqlite_app.test_client().get(path).status_code == 401
        assert unentitled.get(path).status_code == 403
        assert entitled.head(path).status_code == 200
        response = entitled.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    log = commercial.get(f"/api/v1/apps/{MODULE}/downloads",
                         headers={"Authorization": f"Bearer {sqlite_app.config['VENDOR_TOKEN']}"}).json
    assert sorted((d["organisation"], d["kind"]) for d in log["items"]) == sorted(
        ("utrecht", kind) for kind in paths)  # one GET each; HEAD requests are not downloads


def test_a_commercial_app_page_shows_its_own_images_only_to_customers(
        sqlite_app: Flask, commercial: FlaskClient) -> None:
    local = {f"{COMMERCIAL}/screenshots/0", f"{COMMERCIAL}/logo", f"{COMMERCIAL}/images/{README_IMAGE}"}
    for visitor in (sqlite_app.test_client(), person(sqlite_app, "zeno@zeist.example")):
        sources = image_sources(visitor, f"/apps/{MODULE}")
        assert not local & set(sources)
        assert "https://images.example/remote.png" in sources
    assert local <= set(image_sources(person(sqlite_app, "ria@utrecht.example"), f"/apps/{MODULE}"))


def test_an_svg_logo_cannot_run_script(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    assert publish(client, add_organisation(sqlite_app, "dimpact"), package_with_svg_logo()).status_code == 201
    response = client.get(f"{OPEN}/logo")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
