"""An app and its releases: the pages a municipality reads before it trusts an app."""

from __future__ import annotations

from flask import render_template

from registry.db import request_session
from registry.models import Advisory
from registry.services.advisories import AppAdvisory, affecting, in_force
from registry.services.app_facts import AppFactsService
from registry.services.catalogue import CatalogueService
from registry.services.initiative_links import built_together
from web import presenters, web
from web.auth import current_user
from web.forms import InterestForm
from web.i18n import current_language
from web.markup import description, render_markdown
from web.views.advisories import may_advise
from web.views.compare import picked_apps
from web.views.content import may_see_content


@web.get("/apps/<app_id>")
def app_page(app_id: str) -> str:
    user = current_user()
    organisations = [m.organisation for m in user.memberships] if user else []
    facts = AppFactsService(request_session()).of(app_id, organisations)
    app = facts.app
    latest = presenters.latest_release(app)
    texts = description(latest.publiccode, current_language())
    shows_images = may_see_content(latest)
    images = presenters.readme_images(latest) if shows_images else None
    host = presenters.needs(latest)["host"]
    host_name = CatalogueService(request_session()).names([host["id"]]).get(host["id"]) if host else None
    return render_template(
        "app.html", app=app, latest=latest, texts=texts, p=presenters, facts=facts, interest_form=InterestForm(),
        long_description=render_markdown(texts.get("longDescription")),
        readme=render_markdown(latest.readme, images), shows_images=shows_images, host_name=host_name,
        picked=picked_apps(), latest_advisories=[(f.advisory, f.fixed) for f in affecting(app, latest.version)],
        advisories_by_version=_by_version(in_force(app)), may_advise=may_advise(app, user),
        built_together=built_together(request_session(), app.slug),
    )


@web.get("/apps/<app_id>/releases/<version>")
def release_page(app_id: str, version: str) -> str:
    release = CatalogueService(request_session()).release(app_id, version)
    advisories = [(f.advisory, f.fixed) for f in affecting(release.app, release.version)]
    return render_template("release.html", app=release.app, release=release, p=presenters,
                           changelog=render_markdown(release.changelog), advisories=advisories)


def _by_version(found: list[AppAdvisory]) -> dict[str, list[Advisory]]:
    """For the versions table: the advisories in force per version they affect."""
    by_version: dict[str, list[Advisory]] = {}
    for item in found:
        for version in item.versions:
            by_version.setdefault(version, []).append(item.advisory)
    return by_version
