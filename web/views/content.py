"""A release's content in the browser: its package, screenshots, logo and README images.

Each goes through the registry's one download door, as the signed-in person's
organisation: a commercial release only for its vendor and entitled
organisations, logged; images come from the artifact store, never unpacked per request.
A person refused the package gets a page that says how to get access.
"""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, url_for

from registry.api.delivery import send_blob
from registry.db import request_session
from registry.errors import Forbidden, Unauthorized
from registry.extensions import STORE
from registry.models import Release
from registry.services.app_facts import AppFactsService
from registry.services.catalogue import CatalogueService
from registry.services.download_log import LOGO, PACKAGE, README_IMAGE, SCREENSHOT
from registry.services.package_content import PackageContent
from registry.services.release_assets import ReleaseAssets
from registry.services.tokens import Caller
from web import presenters, web
from web.auth import current_user
from web.forms import InterestForm
from web.i18n import current_language
from web.markup import description

RELEASE = "/apps/<app_id>/releases/<version>"


@web.get(f"{RELEASE}/package")
def download_package(app_id: str, version: str) -> Response | tuple[str, int]:
    release = CatalogueService(request_session()).release(app_id, version)
    try:
        admission = PackageContent(request_session()).admit(release, reader(release), PACKAGE)
    except (Unauthorized, Forbidden):  # a person clicked the link: a page that says how to get access
        return _refused(release), 401 if current_user() is None else 403
    return send_blob(admission, release.artifact_sha256, "application/gzip", download_name=release.artifact.filename)


@web.get(f"{RELEASE}/screenshots/<int:index>")
def screenshot(app_id: str, version: str, index: int) -> Response:
    """A screenshot that the package carries (publiccode.yml names it by a relative path)."""
    release = CatalogueService(request_session()).release(app_id, version)
    shots = dict(presenters.screenshots(description(release.publiccode, current_language())))
    return _image(release, shots.get(index), SCREENSHOT)


@web.get(f"{RELEASE}/logo")
def logo(app_id: str, version: str) -> Response:
    release = CatalogueService(request_session()).release(app_id, version)
    return _image(release, presenters.logo(release), LOGO)


@web.get(f"{RELEASE}/images/<path:path>")
def release_image(app_id: str, version: str, path: str) -> Response:
    """An image that README.md shows by a path inside the package."""
    release = CatalogueService(request_session()).release(app_id, version)
    return _image(release, path, README_IMAGE)


def reader(release: Release) -> Caller | None:
    """Who asks: for a commercial release, the signed-in person's organisation (open content
    needs nobody, so its responses stay the same for every visitor)."""
    if not release.commercial:
        return None
    return PackageContent(request_session()).member_caller(current_user(), release)


def may_see_content(release: Release) -> bool:
    """Whether pages may show this release's images to the person looking."""
    return PackageContent(request_session()).policy.refusal(release, _organisation_id(release)) is None


def _organisation_id(release: Release) -> int | None:
    caller = reader(release)
    return caller.organisation_id if caller else None


def _refused(release: Release) -> str:
    user = current_user()
    organisations = [m.organisation for m in user.memberships] if user else []
    facts = AppFactsService(request_session()).of(release.app.slug, organisations)
    back = url_for("web.release_page", app_id=release.app.slug, version=release.version)
    return render_template("package_refused.html", app=facts.app, release=release, facts=facts,
                           organisations=organisations, interest_form=InterestForm(), sign_in_next=back)


def _image(release: Release, path: str | None, kind: str) -> Response:
    # Authorise before looking: a refusal must not tell which images a commercial release has.
    admission = PackageContent(request_session()).admit(release, reader(release), kind)
    if path is None or presenters.is_remote(path):
        abort(404)
    asset = ReleaseAssets(request_session(), current_app.extensions[STORE]).find(release, path)
    if asset is None:
        abort(404)
    return send_blob(admission, asset.sha256, asset.content_type)
